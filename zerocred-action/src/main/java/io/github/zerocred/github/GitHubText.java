package io.github.zerocred.github;

import io.github.zerocred.review.ProgressLines;
import io.github.zerocred.run.RunResult;
import java.util.Locale;

/**
 * Makes Markdown safe to post on GitHub in the bot's name. The text is Claude's, so a pull request
 * can steer it: {@code @someone} or {@code @org/team} would notify people from the bot's account
 * (spam, or social engineering with the bot's authority), and a body over GitHub's limit (65,536
 * characters for an issue comment, a review body or a review comment: GitHub answers 422 "body is
 * too long") would lose the whole review. Mentions outside code are broken with a zero-width space
 * after the {@code @} (GitHub links and notifies none); code spans and fenced blocks are left as
 * they are (GitHub never treats a mention there as one, and a suggestion block must stay the exact
 * code). A body too long is cut, at a line where possible, with a note saying where the whole
 * review is.
 */
public final class GitHubText {
  /** GitHub's limit on a comment or review body, in characters. */
  static final int GITHUB_MAX_BODY = 65_536;

  /**
   * What zerocred posts at most: GitHub counts characters (code points), Java UTF-16 units, so this
   * is on the safe side; the margin leaves room for the marker and the footer.
   */
  static final int MAX_BODY = 64_000;

  static final String CUT_NOTE =
      "\n\n_… cut here: GitHub takes at most "
          + GITHUB_MAX_BODY
          + " characters. The whole review is in the step summary and in .zerocred/review.md._\n";

  private static final char ZERO_WIDTH_SPACE = '\u200b';

  private GitHubText() {}

  /**
   * {@code markdown} with mentions neutralised, cut to {@link #MAX_BODY} with a note if need be.
   */
  public static String forGitHub(String markdown) {
    return fit(neutraliseMentions(markdown), MAX_BODY);
  }

  /** {@code markdown} made safe and cut so that, with {@code footer} (zerocred's own), it fits. */
  public static String withFooter(String markdown, String footer) {
    return fit(neutraliseMentions(markdown), MAX_BODY - footer.length()) + footer;
  }

  /** {@code text} cut to at most {@code max} characters, note included, when longer. */
  public static String fit(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - CUT_NOTE.length();
    int newline = text.lastIndexOf('\n', end);
    if (newline > end - 2_000) {
      end = newline; // a whole line rather than half a word, when one ends near
    }
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + CUT_NOTE;
  }

  /** Every {@code @name} and {@code @org/team} outside code, broken so GitHub ignores it. */
  public static String neutraliseMentions(String markdown) {
    StringBuilder out = new StringBuilder(markdown.length() + 16);
    String fence = null;
    for (String line : markdown.split("(?<=\n)", -1)) {
      String trimmed = line.stripLeading();
      if (fence != null) {
        out.append(line);
        if (closes(trimmed, fence)) {
          fence = null;
        }
        continue;
      }
      String opening = fenceOpening(trimmed);
      if (opening != null && line.length() - trimmed.length() < 4) {
        fence = opening;
        out.append(line);
        continue;
      }
      inline(line, out);
    }
    return out.toString();
  }

  /** Whether a line closes {@code fence}: the same character, at least as many, nothing else. */
  private static boolean closes(String trimmed, String fence) {
    String t = trimmed.strip();
    return t.startsWith(fence) && t.chars().allMatch(c -> c == fence.charAt(0));
  }

  /** The fence ({@code ```} or {@code ~~~}, three or more) a line opens, or null. */
  private static String fenceOpening(String trimmed) {
    for (char c : new char[] {'`', '~'}) {
      int n = 0;
      while (n < trimmed.length() && trimmed.charAt(n) == c) {
        n++;
      }
      // A backtick fence's info string holds no backtick (else the line is not a fence).
      if (n >= 3 && (c == '~' || trimmed.indexOf('`', n) < 0)) {
        return String.valueOf(c).repeat(n);
      }
    }
    return null;
  }

  /** One line outside fences: code spans copied, mentions elsewhere broken. */
  private static void inline(String line, StringBuilder out) {
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '`') {
        out.append(c).append('`'); // an escaped backtick opens no code span
        i += 2;
        continue;
      }
      if (c == '`') {
        int run = run(line, i, '`');
        int close = closing(line, i + run, run);
        if (close >= 0) {
          out.append(line, i, close + run);
          i = close + run;
          continue;
        }
        out.append(line, i, i + run);
        i += run;
        continue;
      }
      out.append(c);
      if (c == '@' && i + 1 < line.length() && isNameStart(line.charAt(i + 1))) {
        out.append(ZERO_WIDTH_SPACE);
      }
      i++;
    }
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static int run(String s, int from, char c) {
    int n = 0;
    while (from + n < s.length() && s.charAt(from + n) == c) {
      n++;
    }
    return n;
  }

  /** Where a run of exactly {@code length} backticks starts at or after {@code from}, or -1. */
  private static int closing(String s, int from, int length) {
    int i = from;
    while (i < s.length()) {
      if (s.charAt(i) == '`') {
        int n = run(s, i, '`');
        if (n == length) {
          return i;
        }
        i += n;
      } else {
        i++;
      }
    }
    return -1;
  }

  /** The step summary's table: outcome, turns, cost and duration. */
  public static String summaryTable(RunResult r) {
    return String.format(
        Locale.ROOT,
        "| Outcome | Turns | Cost | Duration |\n|---|---|---|---|\n| %s %s | %d | $%.4f | %.1f s |\n",
        r.isSuccess() ? "✅" : "❌",
        ProgressLines.outcomeName(r),
        r.numTurns(),
        r.costUsd(),
        r.durationMs() / 1000.0);
  }
}
