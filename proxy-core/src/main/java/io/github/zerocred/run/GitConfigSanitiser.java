package io.github.zerocred.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a git config file ({@code .git/config}, {@code config.worktree}, a submodule's config)
 * without the credentials a checkout or a tool keeps there: {@code http.*.extraheader} (where
 * {@code actions/checkout} stores the job token), {@code credential.*}, password- and token-named
 * keys, user info in every URL ({@code https://user:pass@host/...}, also in subsection names such
 * as {@code [url "https://tok@host/"]}), and {@code include}/{@code includeIf} (paths on the host).
 *
 * <p>Hostile input: the checkout's files come with the pull request's workspace. The parser follows
 * git's own ({@code config.c}: {@code git_parse_source}, {@code get_base_var}, {@code get_value},
 * {@code parse_value}) character by character — quoting, escapes, continuation lines, comments,
 * CRLF, case-insensitive section and key names, both subsection syntaxes — so that what git in the
 * container reads is exactly what was checked. The output is written anew in one canonical form
 * (every value quoted and escaped), never copied line by line. Anything git itself would reject is
 * refused, not guessed at.
 */
final class GitConfigSanitiser {
  /** Sections dropped whole. */
  private static final Set<String> DROPPED_SECTIONS = Set.of("credential", "include", "includeif");

  /** Key names (any section) that hold a credential or point at one. */
  private static final Set<String> DROPPED_KEYS = Set.of("extraheader", "smtppass", "askpass");

  private GitConfigSanitiser() {}

  /** Git config text git itself would not read. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /**
   * A sanitised file.
   *
   * @param bytes the file, in git's syntax
   * @param removed how many entries or user infos were taken out
   */
  record Result(byte[] bytes, int removed) {}

  /** The file without credentials. */
  static Result sanitise(byte[] config) throws MalformedException {
    List<Section> sections = new Parser(config).parse();
    StringBuilder out = new StringBuilder();
    int removed = 0;
    for (Section section : sections) {
      if (DROPPED_SECTIONS.contains(section.name)) {
        removed += Math.max(1, section.entries.size());
        continue;
      }
      List<Entry> kept = new ArrayList<>();
      for (Entry e : section.entries) {
        if (isCredentialKey(e.key)) {
          removed++;
        } else {
          kept.add(e);
          if (e.value != null && !withoutUserInfo(e.value).equals(e.value)) {
            removed++;
          }
        }
      }
      if (section.subsection != null
          && !withoutUserInfo(section.subsection).equals(section.subsection)) {
        removed++;
      }
      if (kept.isEmpty()) {
        continue;
      }
      out.append('[').append(section.name);
      if (section.subsection != null) {
        out.append(" \"").append(escapeSubsection(withoutUserInfo(section.subsection)));
        out.append('"');
      }
      out.append("]\n");
      for (Entry e : kept) {
        out.append('\t').append(e.key);
        if (e.value != null) {
          out.append(" = \"").append(escapeValue(withoutUserInfo(e.value))).append('"');
        }
        out.append('\n');
      }
    }
    return new Result(out.toString().getBytes(StandardCharsets.ISO_8859_1), removed);
  }

  private static boolean isCredentialKey(String key) {
    return DROPPED_KEYS.contains(key)
        || key.contains("password")
        || key.contains("passwd")
        || key.contains("token")
        || key.contains("secret");
  }

  /**
   * {@code text} with the user info of every {@code scheme://user:pass@host} in it removed. Git
   * reads URLs in values and in subsection names ({@code http.<url>.*}, {@code url.<base>.*}).
   */
  static String withoutUserInfo(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    int from = 0;
    while (true) {
      int scheme = text.indexOf("://", from);
      if (scheme < 0) {
        sb.append(text, from, text.length());
        return sb.toString();
      }
      int authorityStart = scheme + 3;
      int authorityEnd = authorityStart;
      while (authorityEnd < text.length() && "/?#\"' \t\n".indexOf(text.charAt(authorityEnd)) < 0) {
        authorityEnd++;
      }
      int at = text.lastIndexOf('@', authorityEnd - 1);
      sb.append(text, from, authorityStart);
      from = at >= authorityStart ? at + 1 : authorityStart;
    }
  }

  private static String escapeSubsection(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String escapeValue(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** One {@code [section "subsection"]} block as written in the file. */
  private static final class Section {
    final String name;
    final String subsection;
    final List<Entry> entries = new ArrayList<>();

    Section(String name, String subsection) {
      this.name = name;
      this.subsection = subsection;
    }
  }

  /** A key and its value; a null value is git's bare boolean {@code key} (true). */
  private record Entry(String key, String value) {}

  /** git's config.c parser, on bytes read as ISO-8859-1 so that every byte passes through. */
  private static final class Parser {
    private static final int EOF = -1;
    private final String text;
    private int pos;
    private int line = 1;
    private boolean eof;

    Parser(byte[] bytes) {
      this.text = new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private int raw() {
      return pos < text.length() ? text.charAt(pos++) : EOF;
    }

    /** {@code get_next_char}: CRLF reads as LF, the end of the file as a last LF. */
    private int next() {
      int c = raw();
      if (c == '\r') {
        int d = raw();
        if (d == '\n') {
          c = '\n';
        } else if (d != EOF) {
          pos--;
        }
      }
      if (c == '\n') {
        line++;
      }
      if (c == EOF) {
        eof = true;
        c = '\n';
      }
      return c;
    }

    List<Section> parse() throws MalformedException {
      List<Section> sections = new ArrayList<>();
      Section current = null;
      boolean comment = false;
      if (text.startsWith("\u00ef\u00bb\u00bf")) {
        pos = 3; // a UTF-8 byte order mark, as git skips it
      }
      while (true) {
        int c = next();
        if (eof) {
          return sections;
        }
        if (c == '\n') {
          comment = false;
          continue;
        }
        if (comment || isSpace(c)) {
          continue;
        }
        if (c == '#' || c == ';') {
          comment = true;
          continue;
        }
        if (c == '[') {
          current = header();
          sections.add(current);
          continue;
        }
        if (!isAlpha(c)) {
          throw bad("a key must start with a letter");
        }
        if (current == null) {
          throw bad("a key before any [section]");
        }
        current.entries.add(entry(c));
      }
    }

    /** {@code get_base_var} and {@code get_extended_base_var}; the '[' is read. */
    private Section header() throws MalformedException {
      StringBuilder name = new StringBuilder();
      while (true) {
        int c = next();
        if (eof) {
          throw bad("unterminated section header");
        }
        if (c == ']') {
          break;
        }
        if (isSpace(c)) {
          return extendedHeader(name, c);
        }
        if (!isKeyChar(c) && c != '.') {
          throw bad("bad character in a section name");
        }
        name.append(Character.toLowerCase((char) c));
      }
      if (name.length() == 0) {
        throw bad("empty section name");
      }
      // The old [section.subsection] form: the whole name lower-cased, split at the first dot.
      String n = name.toString();
      int dot = n.indexOf('.');
      if (dot == 0) {
        throw bad("empty section name");
      }
      return dot < 0
          ? new Section(n, null)
          : new Section(n.substring(0, dot), n.substring(dot + 1));
    }

    private Section extendedHeader(StringBuilder name, int c) throws MalformedException {
      do {
        if (c == '\n') {
          throw bad("incomplete section header");
        }
        c = next();
      } while (isSpace(c));
      if (c != '"') {
        throw bad("a subsection name must be quoted: [section \"subsection\"]");
      }
      StringBuilder sub = new StringBuilder();
      while (true) {
        c = next();
        if (c == '\n') {
          throw bad("incomplete section header");
        }
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          c = next();
          if (c == '\n') {
            throw bad("incomplete section header");
          }
        }
        sub.append((char) c);
      }
      if (next() != ']') {
        throw bad("expected ']' after the subsection name");
      }
      if (name.length() == 0) {
        throw bad("empty section name");
      }
      return new Section(name.toString(), sub.toString());
    }

    /** {@code get_value}; {@code first} is the key's first letter. */
    private Entry entry(int first) throws MalformedException {
      StringBuilder key = new StringBuilder().append(Character.toLowerCase((char) first));
      int c;
      while (true) {
        c = next();
        if (eof || !isKeyChar(c)) {
          break;
        }
        key.append(Character.toLowerCase((char) c));
      }
      while (c == ' ' || c == '\t') {
        c = next();
      }
      if (c == '\n') {
        return new Entry(key.toString(), null);
      }
      if (c != '=') {
        throw bad("expected '=' after the key " + key);
      }
      return new Entry(key.toString(), value());
    }

    /** {@code parse_value}: quotes, escapes, continuation lines, comments, trimming. */
    private String value() throws MalformedException {
      StringBuilder value = new StringBuilder();
      boolean quote = false;
      boolean comment = false;
      int trimLength = 0;
      while (true) {
        int c = next();
        if (c == '\n') {
          if (quote) {
            throw bad("unterminated quoted value");
          }
          if (trimLength > 0) {
            value.setLength(trimLength);
          }
          return value.toString();
        }
        if (comment) {
          continue;
        }
        if (isSpace(c) && !quote) {
          if (trimLength == 0) {
            trimLength = value.length();
          }
          if (value.length() > 0) {
            value.append((char) c);
          }
          continue;
        }
        if (!quote && (c == ';' || c == '#')) {
          comment = true;
          continue;
        }
        trimLength = 0;
        if (c == '\\') {
          c = next();
          switch (c) {
            case '\n':
              continue; // a continuation line (at the end of the file git ends the value)
            case 't':
              c = '\t';
              break;
            case 'b':
              c = '\b';
              break;
            case 'n':
              c = '\n';
              break;
            case '\\':
            case '"':
              break;
            default:
              throw bad("unknown escape sequence in a value");
          }
          value.append((char) c);
          continue;
        }
        if (c == '"') {
          quote = !quote;
          continue;
        }
        value.append((char) c);
      }
    }

    private MalformedException bad(String what) {
      return new MalformedException(what + " (line " + line + ")");
    }

    private static boolean isSpace(int c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isAlpha(int c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isKeyChar(int c) {
      return isAlpha(c) || (c >= '0' && c <= '9') || c == '-';
    }
  }
}
