package io.github.zerocred.workspace;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** Writes git index files byte by byte, as git lays them out, so tests can also bend the rules. */
final class IndexBytes {
  static final int REGULAR = 0100644;
  static final int EXECUTABLE = 0100755;
  static final int SYMLINK = 0120000;
  static final int GITLINK = 0160000;
  static final int DIRECTORY = 040000;
  static final int SKIP_WORKTREE = 0x4000;
  static final int INTENT_TO_ADD = 0x2000;

  record Entry(String path, int mode, int extendedFlags, int stage) {}

  private final int version;
  private int hashBytes = 20;
  private boolean zeroTrailer;
  private Integer declaredCount;
  private final List<Entry> entries = new ArrayList<>();
  private final ByteArrayOutputStream extensions = new ByteArrayOutputStream();

  private IndexBytes(int version) {
    this.version = version;
  }

  static IndexBytes version(int version) {
    return new IndexBytes(version);
  }

  IndexBytes sha256() {
    hashBytes = 32;
    return this;
  }

  /** As {@code index.skipHash} writes it: the trailer is all zeros. */
  IndexBytes zeroTrailer() {
    zeroTrailer = true;
    return this;
  }

  IndexBytes claimCount(int count) {
    declaredCount = count;
    return this;
  }

  IndexBytes file(String path) {
    return entry(path, REGULAR, 0, 0);
  }

  IndexBytes entry(String path, int mode, int extendedFlags, int stage) {
    entries.add(new Entry(path, mode, extendedFlags, stage));
    return this;
  }

  IndexBytes extension(String signature, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + data.length);
    b.put(signature.getBytes(StandardCharsets.ISO_8859_1)).putInt(data.length).put(data);
    extensions.writeBytes(b.array());
    return this;
  }

  /** The index, with its trailer. */
  byte[] bytes() throws Exception {
    byte[] body = body();
    byte[] trailer = new byte[hashBytes];
    if (!zeroTrailer) {
      trailer = MessageDigest.getInstance(hashBytes == 20 ? "SHA-1" : "SHA-256").digest(body);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(body);
    out.writeBytes(trailer);
    return out.toByteArray();
  }

  /** Everything before the trailer. */
  byte[] body() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(12);
    header.put("DIRC".getBytes(StandardCharsets.US_ASCII)).putInt(version);
    header.putInt(declaredCount == null ? entries.size() : declaredCount);
    out.writeBytes(header.array());
    byte[] previous = new byte[0];
    for (Entry e : entries) {
      byte[] name = e.path().getBytes(StandardCharsets.UTF_8);
      boolean extended = e.extendedFlags() != 0;
      ByteBuffer fixed = ByteBuffer.allocate(40 + hashBytes + 4);
      fixed.putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0);
      fixed.putInt(e.mode()).putInt(1000).putInt(1000).putInt(7);
      fixed.put(new byte[hashBytes]);
      int flags = (extended ? 0x4000 : 0) | (e.stage() << 12) | Math.min(name.length, 0xFFF);
      fixed.putShort((short) flags);
      if (extended) {
        fixed.putShort((short) e.extendedFlags());
      }
      out.write(fixed.array(), 0, fixed.position());
      if (version == 4) {
        int common = 0;
        while (common < previous.length
            && common < name.length
            && previous[common] == name[common]) {
          common++;
        }
        out.writeBytes(varint(previous.length - common));
        out.write(name, common, name.length - common);
        out.write(0);
      } else {
        out.writeBytes(name);
        int length = fixed.position() + name.length;
        int padded = (length + 8) & ~7;
        out.writeBytes(new byte[padded - length]);
      }
      previous = name;
    }
    out.writeBytes(extensions.toByteArray());
    return out.toByteArray();
  }

  /** Git's offset varint. */
  static byte[] varint(long value) {
    byte[] buf = new byte[16];
    int pos = buf.length - 1;
    buf[pos] = (byte) (value & 127);
    while ((value >>= 7) != 0) {
      buf[--pos] = (byte) (128 | (--value & 127));
    }
    byte[] out = new byte[buf.length - pos];
    System.arraycopy(buf, pos, out, 0, out.length);
    return out;
  }
}
