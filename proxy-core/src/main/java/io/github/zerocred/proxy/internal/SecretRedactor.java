package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.Credential;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Replaces every occurrence of a secret in a byte stream with its same-length placeholder, however
 * the stream is split into chunks. Only a tail that could still become a secret is held back, so a
 * streamed event ending in a newline passes through at once; equal lengths keep Content-Length
 * right without buffering the body. One instance per response; not thread-safe.
 */
final class SecretRedactor {
  private final byte[][] secrets;
  private final byte[][] replacements;
  private final boolean[] firstBytes;
  private final Patterns patterns;
  private ByteBuf held; // a tail that is a proper prefix of some secret

  /**
   * The secrets and their placeholders in the forms the scans use, built once per proxy run: a
   * redactor per response then costs one small object, not copies of every secret.
   */
  static final class Patterns {
    private final byte[][] secrets;
    private final byte[][] replacements;
    private final String[] secretStrings;
    private final String[] replacementStrings;
    private final boolean[] firstBytes = new boolean[256];
    private final int longest;

    Patterns(List<Credential.Redaction> redactions) {
      int n = redactions.size();
      secrets = new byte[n][];
      replacements = new byte[n][];
      secretStrings = new String[n];
      replacementStrings = new String[n];
      int max = 0;
      for (int i = 0; i < n; i++) {
        secrets[i] = redactions.get(i).secret();
        replacements[i] = redactions.get(i).replacement();
        secretStrings[i] = new String(secrets[i], StandardCharsets.ISO_8859_1);
        replacementStrings[i] = new String(replacements[i], StandardCharsets.ISO_8859_1);
        firstBytes[secrets[i][0] & 0xff] = true;
        max = Math.max(max, secrets[i].length);
      }
      longest = max;
    }
  }

  SecretRedactor(List<Credential.Redaction> redactions) {
    this(new Patterns(redactions));
  }

  SecretRedactor(Patterns patterns) {
    this.patterns = patterns;
    this.secrets = patterns.secrets;
    this.replacements = patterns.replacements;
    this.firstBytes = patterns.firstBytes;
  }

  /** Replaces secrets in a header value (headers arrive whole, so no state is needed). */
  String redact(String value) {
    String result = value;
    for (int i = 0; i < patterns.secretStrings.length; i++) {
      String s = patterns.secretStrings[i];
      if (result.contains(s)) {
        result = result.replace(s, patterns.replacementStrings[i]);
      }
    }
    return result;
  }

  /**
   * Takes ownership of {@code in} and returns what may be sent now (possibly empty, never null);
   * the caller owns the result.
   */
  ByteBuf process(ByteBuf in, ByteBufAllocator alloc) {
    ByteBuf buf;
    if (held != null) {
      buf = alloc.buffer(held.readableBytes() + in.readableBytes());
      buf.writeBytes(held).writeBytes(in);
      held.release();
      held = null;
      in.release();
    } else if (in.isReadOnly()) {
      buf = alloc.buffer(in.readableBytes()).writeBytes(in);
      in.release();
    } else {
      buf = in;
    }
    int keep = replaceAndFindTail(buf, false);
    if (keep > 0) {
      held = alloc.buffer(keep);
      held.writeBytes(buf, buf.writerIndex() - keep, keep);
      buf.writerIndex(buf.writerIndex() - keep);
    }
    return buf;
  }

  /** Whatever is still held back at the end of the stream: it never completed a secret. */
  ByteBuf finish(ByteBufAllocator alloc) {
    ByteBuf rest = held;
    held = null;
    if (rest == null) {
      return Unpooled.EMPTY_BUFFER;
    }
    // A shorter secret may sit inside a tail held back for a longer one.
    replaceAndFindTail(rest, true);
    return rest;
  }

  /** Releases anything held back, for a stream that ended abnormally. */
  void discard() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  /** Overwrites whole matches in place; returns how many tail bytes might start a secret. */
  private int replaceAndFindTail(ByteBuf buf, boolean last) {
    int start = buf.readerIndex();
    int end = buf.writerIndex();
    int i = start;
    while (i < end) {
      int candidate = buf.forEachByte(i, end - i, b -> !firstBytes[b & 0xff]);
      if (candidate < 0) {
        return 0;
      }
      i = candidate;
      boolean matched = false;
      for (int s = 0; s < secrets.length; s++) {
        byte[] secret = secrets[s];
        int available = Math.min(secret.length, end - i);
        if (matches(buf, i, secret, available)) {
          if (available == secret.length) {
            buf.setBytes(i, replacements[s]);
            i += secret.length;
            matched = true;
            break;
          }
          if (!last) {
            // A proper prefix of a secret reaches the end: hold it back from here on. Earlier
            // candidates never reached the end, so this is the longest such tail.
            return end - i;
          }
        }
      }
      if (!matched) {
        i++;
      }
    }
    return 0;
  }

  private static boolean matches(ByteBuf buf, int at, byte[] secret, int length) {
    for (int k = 0; k < length; k++) {
      if (buf.getByte(at + k) != secret[k]) {
        return false;
      }
    }
    return true;
  }

  int longest() {
    return patterns.longest;
  }
}
