package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.DummySession;
import org.junit.jupiter.api.Test;

/** Spliced reads start small and take the configured chunk, as a floor, at the first full read. */
final class MinaSessionsTest {
  private static final int CHUNK = 128 * 1024;

  @Test
  void readsStartSmall_shortReadsKeepThemSmall_aFullReadRaisesTheFloor() {
    DummySession session = new DummySession();
    MinaSessions.configureData(session, CHUNK);
    assertThat(session.getConfig().getReadBufferSize()).isEqualTo(MinaSessions.FIRST_READ_BYTES);
    assertThat(session.getConfig().getMaxReadBufferSize()).isEqualTo(CHUNK * MinaSessions.READ_GROWTH);

    MinaSessions.dataRead(session, IoBuffer.allocate(MinaSessions.FIRST_READ_BYTES - 1));
    assertThat(session.getConfig().getReadBufferSize()).isEqualTo(MinaSessions.FIRST_READ_BYTES);

    MinaSessions.dataRead(session, IoBuffer.allocate(MinaSessions.FIRST_READ_BYTES));
    assertThat(session.getConfig().getReadBufferSize()).isEqualTo(CHUNK);
    assertThat(session.getConfig().getMinReadBufferSize()).isEqualTo(CHUNK);

    MinaSessions.dataRead(session, IoBuffer.allocate(10)); // a short read later changes nothing
    assertThat(session.getConfig().getMinReadBufferSize()).isEqualTo(CHUNK);
  }

  @Test
  void aChunkBelowTheFirstReadSizeIsUsedFromTheStart() {
    DummySession session = new DummySession();
    MinaSessions.configureData(session, 1024);
    assertThat(session.getConfig().getReadBufferSize()).isEqualTo(1024);
    assertThat(session.getConfig().getMinReadBufferSize()).isEqualTo(1024);
  }
}
