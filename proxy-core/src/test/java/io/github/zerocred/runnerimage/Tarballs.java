package io.github.zerocred.runnerimage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Platform-package tarballs made in memory, well-formed or hostile, for the tests. */
final class Tarballs {
  /** A stand-in for the native binary: an ELF header and some bytes. */
  static final byte[] BINARY = elf(200_000);

  private final List<TarArchiveEntry> entries = new ArrayList<>();
  private final List<byte[]> contents = new ArrayList<>();

  static Tarballs npmPackage() {
    return new Tarballs()
        .file("package/package.json", "{\"name\":\"x\"}".getBytes(), 0644)
        .file("package/claude", BINARY, 0755)
        .file("package/README.md", "readme".getBytes(), 0644);
  }

  Tarballs file(String name, byte[] content, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, true); // keeps a leading slash as written
    e.setSize(content.length);
    e.setMode(0100000 | mode);
    entries.add(e);
    contents.add(content);
    return this;
  }

  Tarballs symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    entries.add(e);
    contents.add(new byte[0]);
    return this;
  }

  Tarballs hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    entries.add(e);
    contents.add(new byte[0]);
    return this;
  }

  byte[] gzip() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (int i = 0; i < entries.size(); i++) {
          tar.putArchiveEntry(entries.get(i));
          tar.write(contents.get(i));
          tar.closeArchiveEntry();
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] sha512(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String integrity(byte[] bytes) {
    return "sha512-" + Base64.getEncoder().encodeToString(sha512(bytes));
  }

  static byte[] elf(int size) {
    byte[] b = new byte[size];
    b[0] = 0x7f;
    b[1] = 'E';
    b[2] = 'L';
    b[3] = 'F';
    for (int i = 4; i < size; i++) {
      b[i] = (byte) (i * 31);
    }
    return b;
  }
}
