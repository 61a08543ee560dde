package io.github.zerocred.testkit;

import java.util.SplittableRandom;

/**
 * A deterministic byte stream from a seed: big-endian {@link SplittableRandom#nextLong()} values,
 * cut at the requested length. Producer and verifier share it so neither stores the body.
 */
final class SeededBytes {

  private final SplittableRandom random;
  private long remaining;

  SeededBytes(long length, long seed) {
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative: " + length);
    }
    this.random = new SplittableRandom(seed);
    this.remaining = length;
  }

  long remaining() {
    return remaining;
  }

  /**
   * Writes the next {@code count} bytes to {@code out} from index 0. {@code count} must be a
   * multiple of 8 unless it takes the stream to its end, so every caller cuts the stream alike.
   */
  void writeTo(byte[] out, int count) {
    checkCount(count);
    int index = 0;
    while (index < count) {
      long value = random.nextLong();
      for (int shift = 56; shift >= 0 && index < count; shift -= 8) {
        out[index++] = (byte) (value >>> shift);
      }
    }
    remaining -= count;
  }

  private void checkCount(int count) {
    if (count < 0 || count > remaining || ((count & 7) != 0 && count != remaining)) {
      throw new IllegalArgumentException(
          "count " + count + " with " + remaining + " bytes remaining");
    }
  }
}
