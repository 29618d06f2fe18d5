package io.github.ftproute.routing.mina;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/** Slow peers: streams that pass at most {@code chunk} bytes, then pause, so a transfer takes time. */
final class Throttled {
  private Throttled() {}

  /** A slow reader's sink: each write of up to {@code chunk} bytes is followed by a pause. */
  static OutputStream output(OutputStream out, int chunk, long pauseMillis) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
          int n = Math.min(len, chunk);
          out.write(b, off, n);
          off += n;
          len -= n;
          pause(pauseMillis);
        }
      }
    };
  }

  /** A slow writer's source: each read returns at most {@code chunk} bytes, after a pause. */
  static InputStream input(InputStream in, int chunk, long pauseMillis) {
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        pause(pauseMillis);
        return in.read(b, off, Math.min(len, chunk));
      }
    };
  }

  static void pause(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }
}
