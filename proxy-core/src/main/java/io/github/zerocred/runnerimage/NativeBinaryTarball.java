package io.github.zerocred.runnerimage;

import io.github.zerocred.proxy.ZerocredException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Takes the native binary out of a platform package's tarball while it streams in, and checks the
 * whole tarball against the registry's published {@code sha512}.
 *
 * <p>Hostile input: the tarball comes from the network. It is read only up to {@link
 * #MAX_TARBALL_BYTES}; only the entry {@code package/claude} is ever written, only once, only as a
 * regular file, and only up to {@link #MAX_BINARY_BYTES}; a link of any kind, a device, a path
 * outside {@code package/} or with a {@code ..} anywhere refuses the whole tarball; other plain
 * files are read past, never written. The binary goes to a file the caller chose, which is deleted
 * unless every byte of the tarball matched the published digest.
 */
public final class NativeBinaryTarball {
  /** The most of a tarball zerocred reads (Claude Code's is about 175 MB). */
  public static final long MAX_TARBALL_BYTES = 768L * 1024 * 1024;

  /** The largest binary zerocred accepts (Claude Code's is about 380 MB). */
  public static final long MAX_BINARY_BYTES = 1536L * 1024 * 1024;

  /** The binary's entry in the package. */
  static final String BINARY_ENTRY = "package/claude";

  private static final int BUFFER = 64 * 1024;

  private final long maxTarballBytes;
  private final long maxBinaryBytes;

  private NativeBinaryTarball(long maxTarballBytes, long maxBinaryBytes) {
    this.maxTarballBytes = maxTarballBytes;
    this.maxBinaryBytes = maxBinaryBytes;
  }

  /** With the production bounds. */
  public static NativeBinaryTarball standard() {
    return new NativeBinaryTarball(MAX_TARBALL_BYTES, MAX_BINARY_BYTES);
  }

  /** With other bounds (tests). */
  static NativeBinaryTarball bounded(long maxTarballBytes, long maxBinaryBytes) {
    return new NativeBinaryTarball(maxTarballBytes, maxBinaryBytes);
  }

  /**
   * Extracts the binary into {@code out} (created, never followed if it exists) and checks the
   * tarball's digest.
   *
   * @param what the package and version, for messages
   * @return the binary's SHA-256, hex
   * @throws ZerocredException when the tarball is refused or does not match; {@code out} is gone
   */
  public String extract(InputStream tarball, byte[] expectedSha512, Path out, String what)
      throws IOException {
    boolean ok = false;
    try {
      String sha256 = extractUnchecked(tarball, expectedSha512, out, what);
      ok = true;
      return sha256;
    } finally {
      if (!ok) {
        Files.deleteIfExists(out);
      }
    }
  }

  private String extractUnchecked(InputStream tarball, byte[] expectedSha512, Path out, String what)
      throws IOException {
    MessageDigest sha512 = digest("SHA-512");
    MessageDigest sha256 = digest("SHA-256");
    InputStream counted = new Capped(tarball, maxTarballBytes, what + "'s tarball");
    DigestInputStream digested = new DigestInputStream(counted, sha512);
    boolean found = false;
    try {
      TarArchiveInputStream tar =
          new TarArchiveInputStream(new GZIPInputStream(new Unclosable(digested), BUFFER));
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName();
        checkName(name, what);
        if (entry.isSymbolicLink() || entry.isLink()) {
          throw refused(what, "it holds a link (" + shown(name) + ")");
        }
        if (entry.isDirectory()) {
          continue;
        }
        if (!entry.isFile()) {
          throw refused(what, "it holds a special file (" + shown(name) + ")");
        }
        if (!name.equals(BINARY_ENTRY) && !name.equals("./" + BINARY_ENTRY)) {
          continue; // package.json, README.md, LICENSE.md: read past, never written
        }
        if (found) {
          throw refused(what, "it holds " + BINARY_ENTRY + " twice");
        }
        found = true;
        if (entry.getSize() > maxBinaryBytes) {
          throw refused(what, "its binary is larger than " + maxBinaryBytes + " bytes");
        }
        copy(tar, out, sha256, what);
      }
    } catch (IOException e) {
      if (e.getCause() instanceof ZerocredException z) {
        throw z;
      }
      throw refused(what, "it is not a readable gzip'd tar (" + e.getMessage() + ")");
    }
    // The digest covers every byte the registry serves, also what follows the tar's end.
    byte[] rest = new byte[BUFFER];
    try {
      while (digested.read(rest) >= 0) {
        // drained into the digest
      }
    } catch (IOException e) {
      if (e.getCause() instanceof ZerocredException z) {
        throw z;
      }
      throw e;
    }
    if (!MessageDigest.isEqual(sha512.digest(), expectedSha512)) {
      throw new ZerocredException(
          "The tarball of "
              + what
              + " does not match the sha512 the npm registry publishes for it: refused (a"
              + " tampered download, or a mirror serving another file)");
    }
    if (!found) {
      throw refused(what, "it holds no " + BINARY_ENTRY);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private void copy(InputStream from, Path out, MessageDigest sha256, String what)
      throws IOException {
    long total = 0;
    byte[] head = new byte[4];
    try (OutputStream o =
        Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] buf = new byte[BUFFER];
      int n;
      while ((n = from.read(buf)) > 0) {
        if (total < 4) {
          System.arraycopy(buf, 0, head, (int) total, (int) Math.min(n, 4 - total));
        }
        total += n;
        if (total > maxBinaryBytes) {
          throw refused(what, "its binary is larger than " + maxBinaryBytes + " bytes");
        }
        sha256.update(buf, 0, n);
        o.write(buf, 0, n);
      }
    }
    if (total < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
      throw refused(what, BINARY_ENTRY + " is not an ELF executable");
    }
  }

  private static void checkName(String name, String what) {
    String inPackage = name.startsWith("./") ? name.substring(2) : name;
    if (!inPackage.startsWith("package/")
        || name.startsWith("/")
        || name.indexOf('\\') >= 0
        || name.indexOf('\0') >= 0
        || ("/" + name + "/").contains("/../")) {
      throw refused(what, "it holds an entry outside the package (" + shown(name) + ")");
    }
  }

  private static String shown(String name) {
    return ClaudeCodeVersion.printable(name);
  }

  private static ZerocredException refused(String what, String why) {
    return new ZerocredException("The tarball of " + what + " is refused: " + why);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every Java platform", e);
    }
  }

  /** Fails the read once more than {@code max} bytes came. */
  private static final class Capped extends FilterInputStream {
    private final long max;
    private final String what;
    private long count;

    Capped(InputStream in, long max, String what) {
      super(in);
      this.max = max;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) throws IOException {
      count += n;
      if (count > max) {
        throw new IOException(
            "over the limit",
            new ZerocredException(what + " is larger than " + max + " bytes: refused"));
      }
    }
  }

  /** Keeps the gzip reader from closing the digest stream the caller still drains. */
  private static final class Unclosable extends FilterInputStream {
    Unclosable(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
