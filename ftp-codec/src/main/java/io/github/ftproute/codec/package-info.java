/**
 * The FTP control-channel grammar, transport-neutral and byte-exact.
 *
 * <p>Implements the command and reply syntax of
 * <a href="https://www.rfc-editor.org/rfc/rfc959">RFC 959</a> (with the Telnet rules of §4.1.3 and
 * <a href="https://www.rfc-editor.org/rfc/rfc854">RFC 854</a>), the 227 scanning rule of
 * <a href="https://www.rfc-editor.org/rfc/rfc1123#section-4.1.2.6">RFC 1123 §4.1.2.6</a>, LPRT/LPSV of
 * <a href="https://www.rfc-editor.org/rfc/rfc1639">RFC 1639</a>, EPRT/EPSV of
 * <a href="https://www.rfc-editor.org/rfc/rfc2428">RFC 2428</a>, and knows the verbs of
 * <a href="https://www.rfc-editor.org/rfc/rfc2228">RFC 2228</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc2389">RFC 2389</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc2640">RFC 2640</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc3659">RFC 3659</a> and
 * <a href="https://www.rfc-editor.org/rfc/rfc7151">RFC 7151</a>.
 */
@NullMarked
package io.github.ftproute.codec;

import org.jspecify.annotations.NullMarked;
