package io.github.zerocred.bench;

import java.util.Arrays;

/** A growable list of primitive longs: latency samples without boxing on the measuring path. */
final class LongList {
  private long[] values = new long[1024];
  private int size;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  void addAll(LongList other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  int size() {
    return size;
  }

  /** The values in the order they were added. */
  long[] values() {
    return Arrays.copyOf(values, size);
  }

  Stats stats() {
    return Stats.of(Arrays.copyOf(values, size));
  }
}
