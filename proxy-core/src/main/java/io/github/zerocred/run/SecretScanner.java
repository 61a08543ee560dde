package io.github.zerocred.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the run's real secrets in bytes on their way into the container, in every form a checkout
 * or a tool stores them: as they are, base64-encoded at each of the three byte alignments (so also
 * inside a longer base64 text such as {@code http.extraheader}'s {@code
 * base64(x-access-token:TOKEN)}), and percent-encoded.
 *
 * <p>One Aho–Corasick automaton over all forms, compiled to a full transition table: the scan reads
 * each byte once, keeps one state between chunks (so a form split across buffers is still found),
 * and never holds a copy of what it scanned.
 */
final class SecretScanner {
  /** Shorter forms (a base64 tail of a very short secret) would match ordinary text. */
  private static final int MIN_FORM_LENGTH = 12;

  /** A form that was found: which secret, and how it was encoded. Never the value. */
  record Hit(String secret, String encoding) {}

  private final int[] delta; // row (state * 256) + byte -> next row, complemented where a form ends
  private final Hit[] accepting; // per state: a form ending here (or at a suffix state), or null
  private final boolean empty;

  private SecretScanner(int[] delta, Hit[] accepting, boolean empty) {
    this.delta = delta;
    this.accepting = accepting;
    this.empty = empty;
  }

  /** A scanner that finds nothing, for runs without secrets to look for. */
  static SecretScanner none() {
    return of(List.of());
  }

  static SecretScanner of(List<RunConfig.SecretToKeepOut> secrets) {
    Map<String, Hit> forms = new LinkedHashMap<>();
    for (RunConfig.SecretToKeepOut s : secrets) {
      for (Map.Entry<String, String> form : forms(s.secret().reveal()).entrySet()) {
        forms.putIfAbsent(form.getKey(), new Hit(s.name(), form.getValue()));
      }
    }
    return compile(forms);
  }

  /** Every stored form of {@code secret}, each with a name for its encoding. */
  static Map<String, String> forms(String secret) {
    Map<String, String> forms = new LinkedHashMap<>();
    byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
    add(forms, secret, "as is");
    for (int align = 0; align < 3; align++) {
      String b64 = base64Core(raw, align, Base64.getEncoder().withoutPadding());
      add(forms, b64, "base64-encoded");
      add(forms, b64.replace('+', '-').replace('/', '_'), "base64url-encoded");
    }
    String percent = percentEncode(raw, "%%%02X");
    add(forms, percent, "URL-encoded");
    add(forms, percentEncode(raw, "%%%02x"), "URL-encoded");
    return forms;
  }

  private static void add(Map<String, String> forms, String form, String encoding) {
    if (form.length() >= MIN_FORM_LENGTH) {
      forms.putIfAbsent(form, encoding);
    }
  }

  /**
   * The base64 characters that depend on the secret alone when it starts {@code align} bytes into a
   * 3-byte group: the characters shared with whatever comes before or after are left out.
   */
  static String base64Core(byte[] secret, int align, Base64.Encoder encoder) {
    byte[] shifted = new byte[align + secret.length];
    System.arraycopy(secret, 0, shifted, align, secret.length);
    String text = encoder.encodeToString(shifted);
    int start =
        switch (align) {
          case 0 -> 0;
          case 1 -> 2;
          default -> 3;
        };
    // A last, incomplete group's final character also holds bits of the next byte.
    int end = shifted.length % 3 == 0 ? text.length() : text.length() - 1;
    return start >= end ? "" : text.substring(start, end);
  }

  private static String percentEncode(byte[] raw, String format) {
    StringBuilder sb = new StringBuilder();
    for (byte b : raw) {
      int c = b & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        sb.append((char) c);
      } else {
        sb.append(String.format(format, c));
      }
    }
    return sb.toString();
  }

  private static SecretScanner compile(Map<String, Hit> forms) {
    // The trie, as growing lists; then breadth-first failure links fill in every transition.
    List<int[]> next = new ArrayList<>();
    List<Hit> out = new ArrayList<>();
    next.add(filled());
    out.add(null);
    for (Map.Entry<String, Hit> form : forms.entrySet()) {
      int state = 0;
      for (byte b : form.getKey().getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if (next.get(state)[c] < 0) {
          next.get(state)[c] = next.size();
          next.add(filled());
          out.add(null);
        }
        state = next.get(state)[c];
      }
      out.set(state, form.getValue());
    }
    int states = next.size();
    int[] target = new int[states * 256];
    Hit[] accepting = new Hit[states];
    int[] fail = new int[states];
    Deque<Integer> queue = new ArrayDeque<>();
    for (int c = 0; c < 256; c++) {
      int s = next.get(0)[c];
      if (s < 0) {
        target[c] = 0;
      } else {
        target[c] = s;
        fail[s] = 0;
        queue.add(s);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      accepting[s] = out.get(s) != null ? out.get(s) : accepting[fail[s]];
      for (int c = 0; c < 256; c++) {
        int t = next.get(s)[c];
        if (t < 0) {
          target[s * 256 + c] = target[fail[s] * 256 + c];
        } else {
          target[s * 256 + c] = t;
          fail[t] = target[fail[s] * 256 + c];
          queue.add(t);
        }
      }
    }
    // The scan loop reads one int per byte: the next state's row offset (state * 256), or, for a
    // state where a form ends, that offset's complement (negative), so no second lookup is needed.
    int[] delta = new int[states * 256];
    for (int i = 0; i < delta.length; i++) {
      int t = target[i];
      delta[i] = accepting[t] != null ? ~(t * 256) : t * 256;
    }
    return new SecretScanner(delta, accepting, forms.isEmpty());
  }

  private static int[] filled() {
    int[] a = new int[256];
    Arrays.fill(a, -1);
    return a;
  }

  /** A scan of one file: feed it the file's bytes in any chunks. */
  Scan scan() {
    return new Scan();
  }

  /** The state of one scan; not thread-safe. */
  final class Scan {
    private int state; // the current state's row offset in delta
    private Hit hit;

    /** Feeds a chunk; returns true once any form was found (in this chunk or before). */
    boolean update(byte[] bytes, int offset, int length) {
      if (empty || hit != null) {
        return hit != null;
      }
      int row = state;
      int[] d = delta;
      for (int i = offset, end = offset + length; i < end; i++) {
        int next = d[row + (bytes[i] & 0xff)];
        if (next < 0) {
          hit = accepting[~next / 256];
          row = ~next;
          break;
        }
        row = next;
      }
      state = row;
      return hit != null;
    }

    boolean update(byte[] bytes) {
      return update(bytes, 0, bytes.length);
    }

    /** The first form found, if any. */
    Hit hit() {
      return hit;
    }
  }
}
