package io.github.zerocred.findings;

/** How one finding reads in Markdown, in review.md, a review body or an inline comment. */
public final class FindingsMarkdown {
  private FindingsMarkdown() {}

  /** A list item: severity, title, location, category, the explanation and any suggestion. */
  public static String item(Finding f) {
    StringBuilder md =
        new StringBuilder("- **")
            .append(f.severity().id())
            .append("** · ")
            .append(f.title().strip())
            .append(" — ")
            .append(code(f.location()))
            .append(" (")
            .append(f.category().id())
            .append(")\n");
    if (!f.explanation().isBlank()) {
      md.append(indent(f.explanation().strip())).append('\n');
    }
    f.suggestion()
        .ifPresent(s -> md.append("\n  Suggested replacement:\n\n").append(indent(fenced(s, ""))));
    return md.toString();
  }

  /** An inline comment's text; a suggestion becomes a GitHub suggestion block. */
  public static String comment(Finding f) {
    StringBuilder md =
        new StringBuilder("**")
            .append(f.severity().id())
            .append("** · **")
            .append(f.title().strip())
            .append("** (")
            .append(f.category().id())
            .append(")\n\n");
    if (!f.explanation().isBlank()) {
      md.append(f.explanation().strip()).append('\n');
    }
    f.suggestion().ifPresent(s -> md.append('\n').append(fenced(s, "suggestion")));
    return md.toString();
  }

  /** An inline code span the text cannot close: more backticks than the text holds in a row. */
  static String code(String text) {
    String fence = "`".repeat(longestBacktickRun(text) + 1);
    String pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return fence + pad + text + pad + fence;
  }

  private static int longestBacktickRun(String text) {
    int longest = 0;
    int run = 0;
    for (char c : text.toCharArray()) {
      run = c == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  /** Fenced with more backticks than the text holds in a row, so the text cannot close it. */
  static String fenced(String text, String info) {
    String fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
    String body = text.endsWith("\n") ? text : text + "\n";
    return fence + info + "\n" + body + fence + "\n";
  }

  private static String indent(String text) {
    return "  " + text.replace("\n", "\n  ").replaceAll("(?m)^  $", "");
  }
}
