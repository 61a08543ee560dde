package io.github.zerocred.run;

import io.github.zerocred.proxy.ZerocredException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A run's private temporary directory (the workspace archive, the container's files), removed with
 * everything in it by {@link #close()}, once, from whichever thread comes first.
 */
final class TempDirectory implements AutoCloseable {
  private final Path path;
  private final Consumer<String> warnings;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TempDirectory(Path path, Consumer<String> warnings) {
    this.path = path;
    this.warnings = warnings;
  }

  static TempDirectory create(String prefix, Consumer<String> warnings) {
    try {
      return new TempDirectory(Files.createTempDirectory(prefix), warnings);
    } catch (IOException e) {
      throw new ZerocredException("Cannot create a temporary directory: " + e.getMessage(), e);
    }
  }

  Path path() {
    return path;
  }

  /** Deletes the directory's tree (links are deleted, never followed); never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      warnings.accept("Could not remove the temporary directory " + path + ": " + e.getMessage());
    }
  }
}
