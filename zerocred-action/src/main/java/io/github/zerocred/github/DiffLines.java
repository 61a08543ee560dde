package io.github.zerocred.github;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which lines of the head commit a pull request's diff shows, file by file and hunk by hunk: GitHub
 * accepts a review comment only on those lines ({@code side: RIGHT}), and a multi-line one only
 * within one hunk.
 */
public final class DiffLines {
  private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@");

  /** The head's lines one hunk shows (added and context), in order. */
  private record Hunk(List<Integer> lines) {
    public boolean contains(int line) {
      return lines.contains(line);
    }
  }

  private final Map<String, List<Hunk>> hunksByFile;

  private DiffLines(Map<String, List<Hunk>> hunksByFile) {
    this.hunksByFile = hunksByFile;
  }

  public static DiffLines of(List<GitHubApi.PullRequestFile> files) {
    Map<String, List<Hunk>> map = new HashMap<>();
    for (GitHubApi.PullRequestFile f : files) {
      if (!"removed".equals(f.status())) {
        map.put(f.filename(), parse(f.patch()));
      }
    }
    return new DiffLines(map);
  }

  /** The hunks of one file's unified diff. */
  private static List<Hunk> parse(String patch) {
    List<Hunk> hunks = new ArrayList<>();
    List<Integer> current = null;
    int line = 0;
    for (String text : patch.split("\n", -1)) {
      Matcher m = HUNK.matcher(text);
      if (m.find()) {
        current = new ArrayList<>();
        hunks.add(new Hunk(current));
        line = Integer.parseInt(m.group(1));
      } else if (current != null && (text.startsWith("+") || text.startsWith(" "))) {
        current.add(line++);
      }
      // '-' lines exist only in the base, and "\ No newline at end of file" in neither.
    }
    return hunks;
  }

  /**
   * Where a comment on lines {@code start}..{@code end} of {@code path} can go: the whole range
   * when one hunk shows both ends, else the one end the diff shows; empty when neither is shown.
   */
  public Optional<int[]> anchor(String path, int start, int end) {
    List<Hunk> hunks = hunksByFile.get(path);
    if (hunks == null) {
      return Optional.empty();
    }
    for (Hunk h : hunks) {
      if (h.contains(start) && h.contains(end)) {
        return Optional.of(new int[] {start, end});
      }
    }
    for (int line : new int[] {end, start}) {
      for (Hunk h : hunks) {
        if (h.contains(line)) {
          return Optional.of(new int[] {line, line});
        }
      }
    }
    return Optional.empty();
  }
}
