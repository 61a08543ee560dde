package io.github.zerocred.run;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns the byte chunks of a log stream into lines. Chunks split lines (and UTF-8 characters)
 * anywhere, so bytes are kept until the newline arrives. A line longer than the limit is cut.
 */
final class LineSplitter {
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final int maxLineBytes;
  private final Consumer<String> lines;
  private boolean overflowed;

  LineSplitter(int maxLineBytes, Consumer<String> lines) {
    this.maxLineBytes = maxLineBytes;
    this.lines = lines;
  }

  void accept(byte[] chunk) {
    int start = 0;
    for (int i = 0; i < chunk.length; i++) {
      if (chunk[i] == '\n') {
        append(chunk, start, i - start);
        emit();
        start = i + 1;
      }
    }
    append(chunk, start, chunk.length - start);
  }

  /** Emits what is left, as when the stream ends without a final newline. */
  void flush() {
    if (pending.size() > 0) {
      emit();
    }
  }

  private void append(byte[] chunk, int offset, int length) {
    int room = maxLineBytes - pending.size();
    if (length > room) {
      overflowed = true;
      length = Math.max(room, 0);
    }
    pending.write(chunk, offset, length);
  }

  private void emit() {
    String line = pending.toString(StandardCharsets.UTF_8);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    pending.reset();
    overflowed = false;
    lines.accept(line);
  }

  boolean overflowed() {
    return overflowed;
  }
}
