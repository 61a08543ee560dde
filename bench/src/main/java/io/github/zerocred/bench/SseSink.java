package io.github.zerocred.bench;

import java.nio.charset.StandardCharsets;

/**
 * Splits a streamed body into server-sent events as bytes arrive and records, for each of ours, the
 * time from the upstream stamping it to the client having it whole.
 */
final class SseSink implements HttpConnection.BodySink {
  private final byte[] buffer = new byte[16 * 1024];
  private final StringBuilder pending = new StringBuilder();
  final LongList latencies = new LongList();
  long firstEventAt = -1;
  int events;

  @Override
  public byte[] buffer() {
    return buffer;
  }

  @Override
  public void accept(byte[] data, int length, long nanoTime) {
    pending.append(new String(data, 0, length, StandardCharsets.ISO_8859_1));
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      long stamp = Sse.stamp(pending.subSequence(0, end));
      pending.delete(0, end + 2);
      if (stamp > 0) {
        if (firstEventAt < 0) {
          firstEventAt = nanoTime;
        }
        latencies.add(nanoTime - stamp);
        events++;
      }
    }
  }
}
