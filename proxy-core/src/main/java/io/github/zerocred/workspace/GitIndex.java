package io.github.zerocred.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads which paths a git index ({@code .git/index}) tracks, in Java: running {@code git} on a
 * checkout would run whatever its {@code .git/config} names (hooks, filters, fsmonitor), and the
 * checkout is hostile.
 *
 * <p>Versions 2, 3 and 4 (with v4's path-prefix compression), extended flags (skip-worktree and
 * intent-to-add entries are tracked; a file not on disk is simply not copied), SHA-1 and SHA-256
 * repositories (told apart by the trailer), {@code index.skipHash} (an all-zero trailer), the
 * sparse index (directory entries, which stand for files that are not in the worktree). The split
 * index ({@code link} extension) and any other required extension git would refuse are refused.
 *
 * <p>Hostile input: every count, length and offset is checked against the bytes that are left and
 * against hard bounds ({@link #MAX_INDEX_BYTES}, {@link #MAX_ENTRIES}, {@link #MAX_PATH_BYTES},
 * {@link #MAX_TOTAL_PATH_BYTES}), so a crafted index cannot make this allocate without bound or
 * loop; every step consumes bytes. A path git would never write ({@code ..}, {@code .}, an empty
 * component, a leading {@code /}, a {@code .git} component in any case) refuses the whole index.
 * The paths are only ever compared with what a walk of the workspace finds, never opened as given.
 * The trailer is verified when it is not zero: it is no protection against an attacker (who can
 * compute it) but tells a damaged index from a valid one.
 */
public final class GitIndex {
  /** Larger than any real index (a million entries take about 100 MB). */
  public static final long MAX_INDEX_BYTES = 256L * 1024 * 1024;

  /** Far above the largest monorepos' file counts. */
  public static final int MAX_ENTRIES = 1_000_000;

  /** Linux's PATH_MAX. */
  public static final int MAX_PATH_BYTES = 4096;

  /** What the paths may take in all, which bounds the memory the result holds. */
  public static final long MAX_TOTAL_PATH_BYTES = 64L * 1024 * 1024;

  private static final int HEADER_BYTES = 12;
  private static final int STAT_BYTES = 40; // ctime, mtime (s, ns), dev, ino, mode, uid, gid, size
  private static final int SHA1_BYTES = 20;
  private static final int SHA256_BYTES = 32;
  private static final int EXTENDED = 0x4000;
  private static final int SKIP_WORKTREE = 0x4000; // in the extended flags
  private static final int NAME_MASK = 0xFFF;
  private static final int TYPE_REGULAR = 0b1000;
  private static final int TYPE_SYMLINK = 0b1010;
  private static final int TYPE_GITLINK = 0b1110;
  private static final int TYPE_DIRECTORY = 0b0100;

  /**
   * What the index tracks.
   *
   * @param paths the tracked files and links, workspace-relative with {@code /}, in index order,
   *     each once (an unmerged path has up to three entries)
   * @param submodules gitlink entries: submodules, whose files the index does not list
   * @param sparseDirectories directory entries of a sparse index: files that are not checked out
   * @param version the index format version
   * @param objectFormat {@code sha1} or {@code sha256}
   */
  public record Tracked(
      List<String> paths, int submodules, int sparseDirectories, int version, String objectFormat) {
    public Tracked {
      paths = List.copyOf(paths);
    }
  }

  private GitIndex() {}

  /**
   * Reads the index file at {@code index}, which must be a regular file (a link is not followed).
   *
   * @throws GitIndexException when it is malformed, over a bound, or in a form this does not read
   * @throws IOException when it cannot be read
   */
  public static Tracked read(Path index) throws IOException {
    try (FileChannel channel =
        FileChannel.open(index, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return read(channel);
    }
  }

  static Tracked read(FileChannel channel) throws IOException {
    long size = channel.size();
    if (size > MAX_INDEX_BYTES) {
      throw new GitIndexException(
          "it is " + size + " bytes, more than the " + MAX_INDEX_BYTES + " this reads");
    }
    if (size < HEADER_BYTES + SHA1_BYTES) {
      throw new GitIndexException("it is " + size + " bytes, too short for an index");
    }
    GitIndexException last = null;
    for (int hashBytes : hashLengths(channel, size)) {
      try {
        return parse(channel, size, hashBytes);
      } catch (GitIndexException e) {
        last = e; // an all-zero trailer: the other object format may fit
      }
    }
    throw last;
  }

  /**
   * The object id lengths the index may use, by its trailer: the SHA-1 or SHA-256 of everything
   * before it, or all zeros when {@code index.skipHash} is set (then the entries tell).
   */
  private static List<Integer> hashLengths(FileChannel channel, long size) throws IOException {
    byte[] trailer = new byte[(int) Math.min(size, SHA256_BYTES)];
    channel.read(ByteBuffer.wrap(trailer), size - trailer.length);
    byte[] last20 = Arrays.copyOfRange(trailer, trailer.length - SHA1_BYTES, trailer.length);
    // SHA-1 first (almost every repository); SHA-256 only when that does not match.
    if (MessageDigest.isEqual(digest(channel, "SHA-1", size - SHA1_BYTES), last20)) {
      return List.of(SHA1_BYTES);
    }
    if (trailer.length == SHA256_BYTES
        && size >= HEADER_BYTES + SHA256_BYTES
        && MessageDigest.isEqual(digest(channel, "SHA-256", size - SHA256_BYTES), trailer)) {
      return List.of(SHA256_BYTES);
    }
    if (allZero(last20)) {
      return trailer.length == SHA256_BYTES && allZero(trailer)
          ? List.of(SHA1_BYTES, SHA256_BYTES)
          : List.of(SHA1_BYTES);
    }
    throw new GitIndexException(
        "its checksum does not match its content: it is damaged, or not a git index");
  }

  /** The digest of the channel's first {@code length} bytes. */
  private static byte[] digest(FileChannel channel, String algorithm, long length)
      throws IOException {
    MessageDigest digest = digest(algorithm);
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long position = 0;
    while (position < length) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new GitIndexException("it shrank while it was read");
      }
      digest.update(buffer.array(), 0, n);
      position += n;
    }
    return digest.digest();
  }

  private static Tracked parse(FileChannel channel, long size, int hashBytes) throws IOException {
    Reader in = new Reader(channel, size - hashBytes);
    if (in.u32() != 0x44495243) { // "DIRC"
      throw new GitIndexException("it does not start with DIRC");
    }
    int version = in.u32();
    if (version < 2 || version > 4) {
      throw new GitIndexException("it has version " + Integer.toUnsignedString(version));
    }
    long count = Integer.toUnsignedLong(in.u32());
    long smallest = STAT_BYTES + hashBytes + 2 + 1;
    if (count > MAX_ENTRIES || count * smallest > in.remaining()) {
      throw new GitIndexException(
          "it claims "
              + count
              + " entries, more than "
              + (count > MAX_ENTRIES
                  ? "the " + MAX_ENTRIES + " this reads"
                  : "its bytes can hold"));
    }
    Charset names = fileNameCharset();
    List<String> paths = new ArrayList<>((int) Math.min(count, 65_536));
    byte[] name = new byte[MAX_PATH_BYTES];
    int nameLength = 0;
    byte[] previous = new byte[MAX_PATH_BYTES];
    int previousLength = -1;
    long totalPathBytes = 0;
    int submodules = 0;
    int sparseDirectories = 0;
    for (long i = 0; i < count; i++) {
      long entryStart = in.position();
      in.skip(24);
      int mode = in.u32();
      in.skip(12 + hashBytes); // uid, gid, size, object id
      int flags = in.u16();
      int extended = 0;
      if ((flags & EXTENDED) != 0) {
        if (version < 3) {
          throw new GitIndexException("entry " + i + " has extended flags in a version 2 index");
        }
        extended = in.u16();
      }
      int declared = flags & NAME_MASK;
      if (version == 4) {
        // The previous name less this many bytes at its end, then this entry's own suffix.
        long strip = in.varint();
        if (strip > nameLength) {
          throw new GitIndexException(
              "entry " + i + " strips " + strip + " bytes from a " + nameLength + "-byte name");
        }
        int keep = nameLength - (int) strip;
        nameLength = keep + in.string(name, keep, "entry " + i);
      } else {
        nameLength = in.string(name, 0, "entry " + i);
        long consumed = in.position() - entryStart; // the name's NUL included
        long padded = (consumed - 1 + 8) & ~7L; // 1 to 8 NULs end an entry
        in.zeros(padded - consumed, "entry " + i);
      }
      if (declared != NAME_MASK && declared != nameLength) {
        throw new GitIndexException(
            "entry " + i + " says its name has " + declared + " bytes but it has " + nameLength);
      }
      totalPathBytes += nameLength;
      if (totalPathBytes > MAX_TOTAL_PATH_BYTES) {
        throw new GitIndexException(
            "its paths take more than the " + MAX_TOTAL_PATH_BYTES + " bytes this reads");
      }
      int order = previousLength < 0 ? 1 : compare(name, nameLength, previous, previousLength);
      if (order < 0) {
        throw new GitIndexException("entry " + i + " is out of order");
      }
      int type = mode >>> 12;
      boolean directory = type == TYPE_DIRECTORY && nameLength > 0 && name[nameLength - 1] == '/';
      String problem = PathRules.problem(name, directory ? nameLength - 1 : nameLength);
      if (problem != null) {
        throw new GitIndexException("entry " + i + " has a path git never writes: " + problem);
      }
      if (directory) {
        if ((extended & SKIP_WORKTREE) == 0) {
          throw new GitIndexException("entry " + i + " is a directory that is checked out");
        }
        sparseDirectories++;
      } else if (type == TYPE_GITLINK) {
        submodules++;
      } else if (type != TYPE_REGULAR && type != TYPE_SYMLINK) {
        throw new GitIndexException(
            "entry " + i + " has mode " + Integer.toOctalString(mode) + ", which git never writes");
      } else if (order > 0) {
        paths.add(new String(name, 0, nameLength, names));
      }
      System.arraycopy(name, 0, previous, 0, nameLength);
      previousLength = nameLength;
    }
    extensions(in);
    return new Tracked(
        paths, submodules, sparseDirectories, version, hashBytes == SHA1_BYTES ? "sha1" : "sha256");
  }

  /** Skips the optional extensions; refuses the split index and what git itself would refuse. */
  private static void extensions(Reader in) throws IOException {
    while (in.remaining() > 0) {
      if (in.remaining() < 8) {
        throw new GitIndexException("it ends in the middle of an extension header");
      }
      byte[] signature = in.bytes(4);
      long size = Integer.toUnsignedLong(in.u32());
      if (size > in.remaining()) {
        throw new GitIndexException("an extension claims more bytes than the index has");
      }
      String name = new String(signature, StandardCharsets.ISO_8859_1);
      if (name.equals("link")) {
        throw new GitIndexException(
            "it is a split index (core.splitIndex), whose entries are partly in another file");
      }
      boolean optional = signature[0] >= 'A' && signature[0] <= 'Z';
      if (!optional && !name.equals("sdir")) {
        throw new GitIndexException(
            "it needs an extension this does not know (" + hex(signature) + ")");
      }
      in.skip(size);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b & 0xff));
    }
    return sb.toString();
  }

  /** Git's order: unsigned bytes, a prefix first. */
  private static int compare(byte[] a, int aLength, byte[] b, int bLength) {
    int c = Arrays.compareUnsigned(a, 0, aLength, b, 0, bLength);
    return Integer.signum(c);
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** How the JVM turns file names into strings: the same decoding a walk of the disk uses. */
  static Charset fileNameCharset() {
    String jnu = System.getProperty("sun.jnu.encoding");
    try {
      return jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }

  /** Reads the entries' bytes up to a limit (the trailer's start), through a 64 KB buffer. */
  private static final class Reader {
    private final FileChannel channel;
    private final long limit;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private long bufferStart;

    Reader(FileChannel channel, long limit) {
      this.channel = channel;
      this.limit = limit;
      buffer.limit(0);
    }

    long position() {
      return bufferStart + buffer.position();
    }

    long remaining() {
      return limit - position();
    }

    private void need(long n) throws IOException {
      if (n > remaining()) {
        throw new GitIndexException("it ends in the middle of an entry");
      }
      if (buffer.remaining() >= n) {
        return;
      }
      long at = position();
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), limit - at));
      bufferStart = at;
      while (buffer.position() < n) {
        if (channel.read(buffer, at + buffer.position()) < 0) {
          throw new GitIndexException("it shrank while it was read");
        }
      }
      buffer.flip();
    }

    int u8() throws IOException {
      need(1);
      return buffer.get() & 0xff;
    }

    int u16() throws IOException {
      need(2);
      return buffer.getShort() & 0xffff;
    }

    int u32() throws IOException {
      need(4);
      return buffer.getInt();
    }

    byte[] bytes(int n) throws IOException {
      need(n);
      byte[] b = new byte[n];
      buffer.get(b);
      return b;
    }

    void skip(long n) throws IOException {
      if (n > remaining()) {
        throw new GitIndexException("it ends in the middle of an entry");
      }
      if (n <= buffer.remaining()) {
        buffer.position(buffer.position() + (int) n);
      } else {
        bufferStart = position() + n;
        buffer.clear().limit(0);
      }
    }

    /** NUL bytes, as padding must be. */
    void zeros(long n, String what) throws IOException {
      for (long k = 0; k < n; k++) {
        if (u8() != 0) {
          throw new GitIndexException(what + " has padding that is not NUL");
        }
      }
    }

    /** A NUL-terminated name into {@code into} from {@code offset}; returns its length. */
    int string(byte[] into, int offset, String what) throws IOException {
      int n = 0;
      while (true) {
        need(1);
        byte[] a = buffer.array();
        int start = buffer.position();
        int end = start;
        while (end < buffer.limit() && a[end] != 0) {
          end++;
        }
        if (offset + n + (end - start) > MAX_PATH_BYTES) {
          throw new GitIndexException(
              what + " has a path longer than the " + MAX_PATH_BYTES + " bytes this reads");
        }
        System.arraycopy(a, start, into, offset + n, end - start);
        n += end - start;
        buffer.position(end);
        if (end < buffer.limit()) {
          buffer.get(); // the NUL
          return n;
        }
      }
    }

    /** Git's offset varint (each continuation adds one before shifting). */
    long varint() throws IOException {
      int c = u8();
      long value = c & 0x7f;
      while ((c & 0x80) != 0) {
        if (value > MAX_PATH_BYTES) {
          throw new GitIndexException("a name's prefix length is larger than any path");
        }
        c = u8();
        value = ((value + 1) << 7) + (c & 0x7f);
      }
      return value;
    }
  }
}
