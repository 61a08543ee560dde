package io.github.zerocred.run;

import io.github.zerocred.workspace.WorkspaceSelection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes the tar stream that the copy API unpacks at {@code /} of a new container. Ownership is set
 * in the archive itself, so the files belong to the container user whatever their owner on the
 * host, and symbolic links are stored as links, never followed: a link in a hostile pull request
 * must not copy a host file into the container.
 *
 * <p>No credential goes in: git config files in the tree are rewritten without credentials ({@link
 * GitConfigSanitiser}), and every byte written — names, link targets, contents, and for git config
 * files also what the checkout held before it was rewritten — passes through a {@link
 * SecretScanner} as it streams into the archive. Whoever builds the archive checks {@link
 * #secretsFound()} before anything reaches a container.
 */
final class ContainerFiles implements AutoCloseable {
  static final int ROOT = 0;

  /** A git config file larger than this is no checkout's: refused rather than parsed. */
  static final int MAX_GIT_CONFIG_BYTES = 1024 * 1024;

  private static final int CHUNK = 64 * 1024;

  /** Where a secret was found (the archive path) and in which form; never the secret. */
  record SecretFound(String path, SecretScanner.Hit hit) {}

  private final TarArchiveOutputStream tar;
  private final SecretScanner scanner;
  private final Map<String, SecretFound> found = new LinkedHashMap<>();
  private final List<String> gitConfigsWithCredentials = new ArrayList<>();
  private final byte[] buffer = new byte[CHUNK];

  ContainerFiles(OutputStream out) {
    this(out, SecretScanner.none());
  }

  ContainerFiles(OutputStream out, SecretScanner scanner) {
    this.tar = new TarArchiveOutputStream(new BufferedOutputStream(out, CHUNK));
    this.scanner = scanner;
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /** The files in which a secret was found, in archive order. */
  List<SecretFound> secretsFound() {
    return List.copyOf(found.values());
  }

  /** The git config files that held credentials, which the archive holds without them. */
  List<String> gitConfigsWithCredentials() {
    return List.copyOf(gitConfigsWithCredentials);
  }

  private void check(String path, SecretScanner.Scan scan) {
    if (scan.hit() != null) {
      found.putIfAbsent(path, new SecretFound(path, scan.hit()));
    }
  }

  private void scanName(String path, String text) {
    SecretScanner.Scan scan = scanner.scan();
    scan.update(text.getBytes(StandardCharsets.UTF_8));
    check(path, scan);
  }

  /** A directory (no leading slash, e.g. {@code home/claude}). */
  void directory(String path, int uid, int mode) throws IOException {
    scanName(path, path);
    TarArchiveEntry entry = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
    owner(entry, uid);
    entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | mode);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  /** A regular file with the given content. */
  void file(String path, byte[] content, int uid, int mode) throws IOException {
    scanName(path, path);
    SecretScanner.Scan scan = scanner.scan();
    scan.update(content);
    check(path, scan);
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
    tree(source, target, uid, WorkspaceSelection.all());
  }

  /**
   * The tree as {@link #tree(Path, String, int)} writes it, narrowed to what {@code selection}
   * includes: a directory it leaves out is not entered at all (a build output directory costs
   * nothing), a file it leaves out is neither read nor scanned.
   */
  void tree(Path source, String target, int uid, WorkspaceSelection selection) throws IOException {
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!selection.includesDirectory(relative(dir))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            directory(name(dir), uid, Files.isExecutable(dir) ? 0755 : 0700);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!selection.includesFile(relative(file))) {
              return FileVisitResult.CONTINUE;
            }
            String name = name(file);
            if (attrs.isSymbolicLink()) {
              String target = Files.readSymbolicLink(file).toString();
              scanName(name, name + "\n" + target);
              TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
              entry.setLinkName(target);
              owner(entry, uid);
              tar.putArchiveEntry(entry);
              tar.closeArchiveEntry();
            } else if (attrs.isRegularFile()) {
              scanName(name, name);
              int mode = Files.isExecutable(file) ? 0755 : 0644;
              if (isGitConfig(source.relativize(file))) {
                file(name, sanitisedGitConfig(file, name), uid, mode);
                return FileVisitResult.CONTINUE;
              }
              TarArchiveEntry entry = new TarArchiveEntry(name);
              owner(entry, uid);
              entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode);
              entry.setSize(attrs.size());
              entry.setModTime(attrs.lastModifiedTime());
              tar.putArchiveEntry(entry);
              copyScanned(file, name, attrs.size());
              tar.closeArchiveEntry();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            String relative = relative(file);
            if (!selection.includesDirectory(relative) && !selection.includesFile(relative)) {
              // Not copied anyway: such as build output an earlier step wrote as another user.
              return FileVisitResult.CONTINUE;
            }
            throw new IOException(
                "cannot read " + file + " in the workspace: " + e.getMessage(), e);
          }

          private String relative(Path p) {
            return source.relativize(p).toString().replace('\\', '/');
          }

          private String name(Path p) {
            String relative = relative(p);
            return relative.isEmpty() ? target : target + "/" + relative;
          }
        });
  }

  /** Streams a file into the open entry, through the scanner; no copy is kept. */
  private void copyScanned(Path file, String name, long size) throws IOException {
    SecretScanner.Scan scan = scanner.scan();
    long left = size;
    // NOFOLLOW_LINKS: a file swapped for a link after the walk saw it is not followed either.
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException(file + " shrank while it was being copied");
        }
        scan.update(buffer, 0, n);
        tar.write(buffer, 0, n);
        left -= n;
      }
    }
    check(name, scan);
  }

  /**
   * A git config file in any repository of the tree: {@code .git/config}, a worktree's {@code
   * config.worktree}, a submodule's {@code .git/modules/NAME/config}. Matched without regard to
   * case, as git's own path checks are.
   */
  static boolean isGitConfig(Path relative) {
    String fileName = relative.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!fileName.equals("config") && !fileName.equals("config.worktree")) {
      return false;
    }
    for (Path segment : relative) {
      if (segment.toString().toLowerCase(Locale.ROOT).equals(".git")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The file without credentials. What the checkout held is scanned too: a secret the run knows
   * that sits in the checkout refuses the run, even though the copy would no longer hold it.
   */
  private byte[] sanitisedGitConfig(Path file, String name) throws IOException {
    if (Files.size(file) > MAX_GIT_CONFIG_BYTES) {
      throw new IOException(
          name + " is larger than " + MAX_GIT_CONFIG_BYTES + " bytes: no checkout writes that");
    }
    byte[] original;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      original = in.readNBytes(MAX_GIT_CONFIG_BYTES + 1);
    }
    SecretScanner.Scan scan = scanner.scan();
    scan.update(original);
    check(name, scan);
    try {
      GitConfigSanitiser.Result result = GitConfigSanitiser.sanitise(original);
      if (result.removed() > 0) {
        gitConfigsWithCredentials.add(name);
      }
      return result.bytes();
    } catch (GitConfigSanitiser.MalformedException e) {
      throw new IOException(name + " is not a git config file git would read: " + e.getMessage());
    }
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
