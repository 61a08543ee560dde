package io.github.zerocred.review;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The one way zerocred writes files on the host: into a directory it created or verified — a real
 * directory, not a link, owned by this process's user, reached from the workspace without passing
 * through a link — each file written to a new temporary file in that directory and renamed into
 * place. A rename replaces a link that sits where the file goes instead of following it, so a
 * checkout that plants {@code .zerocred/review.md -> ../.git/config} gets its link replaced, never
 * its {@code .git/config} written.
 *
 * <p>Hostile input that reaches this class: the workspace's own {@code .zerocred} (or the output
 * directory a user pointed inside the checkout), which a pull request controls: it can be a link to
 * anywhere, a file, a directory of links, or a dangling link. The file names are zerocred's own.
 */
public final class OutputDirectory {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final boolean UNIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

  private final Path directory;

  private OutputDirectory(Path directory) {
    this.directory = directory;
  }

  /**
   * Opens {@code directory}, creating it (and any missing parent inside {@code workspace}) when
   * absent. Every part of the path from {@code workspace} down must be a real directory, not a
   * link; the directory itself must also belong to this process's user.
   *
   * @param workspace the checkout the directory may lie in (links inside it are the checkout's
   *     author's, so none is followed), or null
   * @param parameter how the front end calls the setting, for the message
   * @throws InvalidConfigurationException when a part is a link or not a directory, or the
   *     directory belongs to someone else; nothing has been written
   */
  public static OutputDirectory open(Path directory, Path workspace, String parameter)
      throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(parameter, "parameter");
    Path dir = directory.toAbsolutePath().normalize();
    Path from = null;
    if (workspace != null) {
      Path ws = workspace.toAbsolutePath().normalize();
      if (dir.startsWith(ws) && !dir.equals(ws)) {
        from = ws;
      }
    }
    if (from == null) {
      // Outside the checkout the user chose the path: only the directory itself is checked.
      Path parent = dir.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        Files.createDirectories(parent);
      }
      ensureDirectory(dir, dir, parameter);
    } else {
      Path at = from;
      for (Path name : from.relativize(dir)) {
        at = at.resolve(name);
        ensureDirectory(at, dir, parameter);
      }
    }
    checkOwner(dir, parameter);
    return new OutputDirectory(dir);
  }

  private static void ensureDirectory(Path at, Path dir, String parameter) throws IOException {
    BasicFileAttributes a = attributes(at);
    if (a == null) {
      try {
        Files.createDirectory(at);
        return;
      } catch (FileAlreadyExistsException e) {
        a = attributes(at); // made meanwhile: check what it is
      }
    }
    if (a == null || a.isSymbolicLink() || !a.isDirectory()) {
      String what =
          a == null
              ? "disappeared while it was being created"
              : a.isSymbolicLink() ? "is a symbolic link" + linkTarget(at) : "is not a directory";
      throw new InvalidConfigurationException(
          parameter
              + " "
              + dir
              + ": "
              + (at.equals(dir) ? "it" : at.toString())
              + " "
              + what
              + ". zerocred writes only into a real directory, never through a link: remove it (a"
              + " checkout can carry it) and run again");
    }
  }

  private static void checkOwner(Path dir, String parameter) throws IOException {
    if (!UNIX) {
      return;
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int me = currentUid();
    if (owner != me) {
      throw new InvalidConfigurationException(
          parameter
              + " "
              + dir
              + " belongs to user "
              + owner
              + ", not to zerocred's user "
              + me
              + ": zerocred did not make it (a checkout can carry it). Remove it and run again");
    }
  }

  /** This process's uid: the owner of a file it has just created. */
  private static int currentUid() throws IOException {
    Path probe = Files.createTempFile(".zerocred-uid-", ".tmp");
    try {
      return (Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static String linkTarget(Path link) {
    try {
      return " (to " + Files.readSymbolicLink(link) + ")";
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  public Path path() {
    return directory;
  }

  /** Where file {@code name} goes; a name is one path element of zerocred's own choosing. */
  public Path resolve(String name) {
    Objects.requireNonNull(name, "name");
    Path p = directory.resolve(name);
    if (name.isEmpty() || !p.getParent().equals(directory) || name.equals("..")) {
      throw new IllegalArgumentException("not a file name: " + name);
    }
    return p;
  }

  /** Writes {@code name} whole: a new temporary file beside it, renamed over whatever is there. */
  public Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  public Path write(String name, byte[] bytes) throws IOException {
    Path target = resolve(name);
    Path temp = newTemp(name);
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        out.write(bytes);
      }
      return moveIntoPlace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Copies {@code source} (a file zerocred made, such as a temporary audit log) to {@code name}.
   */
  public Path copyFrom(Path source, String name) throws IOException {
    Path target = resolve(name);
    Path temp = newTemp(name);
    try {
      try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
          OutputStream out = Files.newOutputStream(temp)) {
        in.transferTo(out);
      }
      return moveIntoPlace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Makes {@code name} an empty regular file unless it already is one; a link or anything else
   * there is replaced.
   */
  public Path ensureFile(String name) throws IOException {
    BasicFileAttributes a = attributes(resolve(name));
    if (a != null && a.isRegularFile()) {
      return resolve(name);
    }
    return write(name, new byte[0]);
  }

  /** Removes {@code name} if present; a link is removed itself, never what it points to. */
  public void delete(String name) throws IOException {
    Files.deleteIfExists(resolve(name));
  }

  private Path newTemp(String name) throws IOException {
    // createTempFile creates exclusively (O_EXCL): it never opens an existing file or link.
    // Readable by all like any file a build writes: later CI steps may run as another user.
    return POSIX
        ? Files.createTempFile(directory, "." + name + ".", ".tmp", readableByAll())
        : Files.createTempFile(directory, "." + name + ".", ".tmp");
  }

  private static Path moveIntoPlace(Path temp, Path target) throws IOException {
    // rename(2) replaces the directory entry: a link at target is replaced, never followed.
    return Files.move(
        temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static FileAttribute<?> readableByAll() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Override
  public String toString() {
    return directory.toString();
  }
}
