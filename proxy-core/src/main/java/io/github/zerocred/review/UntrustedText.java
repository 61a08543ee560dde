package io.github.zerocred.review;

/**
 * Makes a short piece of attacker-controlled text (a model name, a tool name, a session id, a
 * warning quoting Claude's output) safe to put into one line a front end prints: no line breaks or
 * other control characters (C0, DEL, C1 — carriage returns and escape sequences included), no
 * bidirectional overrides or invisible line separators that make a log show something other than
 * what it holds, and a bounded length. Whatever a front end's own output format needs besides
 * (GitHub's workflow commands, say) it adds itself.
 */
public final class UntrustedText {
  /** The longest id or name a progress line shows. */
  public static final int MAX_FIELD = 120;

  private UntrustedText() {}

  /** {@code text} as one printable line of at most {@code max} characters (null as empty). */
  public static String oneLine(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), max + 1));
    for (int i = 0; i < text.length() && sb.length() < max; i++) {
      char c = text.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r') {
        sb.append(' ');
      } else if (isHidden(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= max && text.length() > max) {
      sb.setLength(max - 1);
      sb.append('…');
    }
    return sb.toString();
  }

  /** A field of a progress line: {@link #oneLine} capped at {@link #MAX_FIELD}. */
  public static String field(String text) {
    return oneLine(text, MAX_FIELD);
  }

  /**
   * {@code text} as one log line that no CI runner takes for a command: line breaks escaped as
   * {@code %0D}/{@code %0A} (a runner ends a line at either), every {@code ##} broken by a
   * zero-width space (GitHub's legacy {@code ##[name]} and Azure Pipelines' {@code ##vso[...]} act
   * anywhere in a line), and a leading {@code ::} (GitHub's {@code ::name::}, leading blanks
   * trimmed) broken the same way. Every front end that prints attacker text into a CI log, with or
   * without a prefix of its own (Maven's {@code [INFO] } can be configured away), puts it through
   * here.
   */
  public static String inertLogLine(String text) {
    if (text == null) {
      return "";
    }
    String t = text.replace("\r", "%0D").replace("\n", "%0A").replace("##", "#\u200b#");
    int start = 0;
    while (start < t.length() && Character.isWhitespace(t.charAt(start))) {
      start++;
    }
    if (t.startsWith("::", start)) {
      t = t.substring(0, start) + ":\u200b" + t.substring(start + 1);
    }
    return t;
  }

  /**
   * {@code text} with each of its lines made inert as {@link #inertLogLine} does, joined by {@code
   * \n}: for a message that is meant to span lines (a Maven failure, a review logged line by line).
   */
  public static String inertLogLines(String text) {
    if (text == null) {
      return "";
    }
    return String.join("\n", text.lines().map(UntrustedText::inertLogLine).toList());
  }

  /** Control characters and the invisible characters that reorder or split what a log shows. */
  public static boolean isHidden(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= '\u202a' && c <= '\u202e') // bidi embeddings and overrides
        || (c >= '\u2066' && c <= '\u2069') // bidi isolates
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c' // directional marks
        || c == '\u2028'
        || c == '\u2029' // line and paragraph separators
        || c == '\ufeff';
  }
}
