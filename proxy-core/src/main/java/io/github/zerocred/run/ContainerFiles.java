package io.github.zerocred.run;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes the tar stream that the copy API unpacks at {@code /} of a new container. Ownership is set
 * in the archive itself, so the files belong to the container user whatever their owner on the
 * host, and symbolic links are stored as links, never followed: a link in a hostile pull request
 * must not copy a host file into the container.
 */
final class ContainerFiles implements AutoCloseable {
  static final int ROOT = 0;

  private final TarArchiveOutputStream tar;

  ContainerFiles(OutputStream out) {
    this.tar = new TarArchiveOutputStream(new BufferedOutputStream(out, 64 * 1024));
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /** A directory (no leading slash, e.g. {@code home/claude}). */
  void directory(String path, int uid, int mode) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
    owner(entry, uid);
    entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | mode);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  /** A regular file with the given content. */
  void file(String path, byte[] content, int uid, int mode) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(path);
    owner(entry, uid);
    entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  void file(String path, String content, int uid, int mode) throws IOException {
    file(path, content.getBytes(StandardCharsets.UTF_8), uid, mode);
  }

  /**
   * The tree under {@code source}, stored under {@code target} (e.g. {@code workspace}), owned by
   * {@code uid}. Sockets, pipes and devices are left out. {@code source} must be a real path (no
   * link), since the walk does not follow links.
   */
  void tree(Path source, String target, int uid) throws IOException {
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            directory(name(dir), uid, Files.isExecutable(dir) ? 0755 : 0700);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isSymbolicLink()) {
              TarArchiveEntry entry = new TarArchiveEntry(name(file), TarConstants.LF_SYMLINK);
              entry.setLinkName(Files.readSymbolicLink(file).toString());
              owner(entry, uid);
              tar.putArchiveEntry(entry);
              tar.closeArchiveEntry();
            } else if (attrs.isRegularFile()) {
              TarArchiveEntry entry = new TarArchiveEntry(name(file));
              owner(entry, uid);
              entry.setMode(
                  TarArchiveEntry.DEFAULT_FILE_MODE & ~0777
                      | (Files.isExecutable(file) ? 0755 : 0644));
              entry.setSize(attrs.size());
              entry.setModTime(attrs.lastModifiedTime());
              tar.putArchiveEntry(entry);
              Files.copy(file, tar);
              tar.closeArchiveEntry();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            throw new IOException(
                "cannot read " + file + " in the workspace: " + e.getMessage(), e);
          }

          private String name(Path p) {
            String relative = source.relativize(p).toString().replace('\\', '/');
            return relative.isEmpty() ? target : target + "/" + relative;
          }
        });
  }

  private static void owner(TarArchiveEntry entry, int uid) {
    entry.setUserId(uid);
    entry.setGroupId(uid);
  }

  @Override
  public void close() throws IOException {
    tar.finish();
    tar.close();
  }
}
