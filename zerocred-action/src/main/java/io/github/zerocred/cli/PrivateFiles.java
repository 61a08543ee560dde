package io.github.zerocred.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** Files and folders that other users of the machine cannot read (where the OS has POSIX modes). */
final class PrivateFiles {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** A new folder under the temporary directory, mode 0700. */
  static Path createTempDirectory(String prefix) throws IOException {
    return POSIX
        ? Files.createTempDirectory(prefix, mode("rwx------"))
        : Files.createTempDirectory(prefix);
  }

  /** A new empty file in {@code dir}, mode 0600. */
  static Path createFile(Path dir, String prefix, String suffix) throws IOException {
    return POSIX
        ? Files.createTempFile(dir, prefix, suffix, mode("rw-------"))
        : Files.createTempFile(dir, prefix, suffix);
  }

  /**
   * Writes a file that anyone may read (mode 0644), such as a CA certificate that a container's
   * non-root user must read; the folder around it decides who can reach it.
   */
  static void writePublic(Path file, String content) throws IOException {
    if (POSIX) {
      Files.createFile(file, mode("rw-r--r--"));
    }
    Files.writeString(file, content);
  }

  private static FileAttribute<?> mode(String permissions) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
  }
}
