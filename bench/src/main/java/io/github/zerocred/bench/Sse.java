package io.github.zerocred.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** The benchmark's server-sent events: {@code data: {"i":N,"t":NANOS,"p":"xxx"}\n\n}. */
final class Sse {
  private Sse() {}

  /** Event {@code i}, stamped with {@code nanoTime}, padded to about {@code size} bytes. */
  static ByteBuf event(int i, long nanoTime, int size) {
    StringBuilder s = new StringBuilder(size + 32);
    s.append("data: {\"i\":").append(i).append(",\"t\":").append(nanoTime).append(",\"p\":\"");
    int pad = Math.max(0, size - s.length() - 4);
    for (int k = 0; k < pad; k++) {
      s.append('x');
    }
    s.append("\"}\n\n");
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  /**
   * The send stamp of one event's text (without the blank line), or -1 when it is not one of ours.
   */
  static long stamp(CharSequence event) {
    String text = event.toString();
    int t = text.indexOf("\"t\":");
    if (t < 0) {
      return -1;
    }
    int end = text.indexOf(',', t);
    if (end < 0) {
      return -1;
    }
    return Long.parseLong(text.substring(t + 4, end));
  }
}
