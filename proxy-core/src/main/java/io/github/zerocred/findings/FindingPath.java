package io.github.zerocred.findings;

import io.github.zerocred.review.UntrustedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A finding's file, which the model writes and so the pull request's author can choose: it goes
 * into SARIF's {@code artifactLocation.uri} (which a viewer resolves and may open), into comments
 * anchored on the diff and into Markdown. A path is accepted only as what it claims to be — a file
 * of the repository: relative, {@code /}-separated, normalised, without schemes ({@code file:},
 * {@code https:}), drive letters, {@code ..}, empty segments, or control and invisible characters.
 * Anything else is kept for people to read, but shown in a form that is itself never a valid path,
 * so no later step can take it for one.
 */
public final class FindingPath {
  /** Longer than any real repository path; longer ones are not paths but payloads. */
  static final int MAX_LENGTH = 1024;

  private static final int MAX_SHOWN = 200;

  /** Where the runner image puts the workspace; Claude sometimes reports absolute paths. */
  private static final String CONTAINER_WORKSPACE = "/workspace/";

  private FindingPath() {}

  /**
   * The repository path {@code raw} names, normalised ({@code \} read as {@code /}, the container's
   * {@code /workspace/} and {@code ./} and {@code .} segments dropped), or empty when it names no
   * file of the repository.
   */
  public static Optional<String> normalise(String raw) {
    if (raw == null || raw.isBlank() || raw.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < raw.length(); i++) {
      if (UntrustedText.isHidden(raw.charAt(i))) {
        return Optional.empty();
      }
    }
    String p = raw.replace('\\', '/');
    if (p.startsWith(CONTAINER_WORKSPACE)) {
      p = p.substring(CONTAINER_WORKSPACE.length());
    }
    List<String> kept = new ArrayList<>();
    String[] segments = p.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.equals(".")) {
        continue;
      }
      if (s.isEmpty() || s.equals("..") || (kept.isEmpty() && s.indexOf(':') >= 0)) {
        // Leading or doubled /, a way out, a scheme (file:, https:) or a drive letter (C:).
        return Optional.empty();
      }
      kept.add(s);
    }
    return kept.isEmpty() ? Optional.empty() : Optional.of(String.join("/", kept));
  }

  /** Whether {@code path} is a normalised repository path (what {@link #normalise} returns). */
  public static boolean isRepositoryPath(String path) {
    return normalise(path).filter(path::equals).isPresent();
  }

  /**
   * How a path that {@link #normalise} refused is shown: control and invisible characters as {@code
   * \}{@code uXXXX}, at most {@value #MAX_SHOWN} characters. The result is never a repository path:
   * whatever made {@code raw} invalid (a leading {@code /}, a {@code ..}, a scheme) is kept, and an
   * escape or a cut adds a backslash, which no normalised path holds.
   */
  public static String shown(String raw) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length() && sb.length() < MAX_SHOWN; i++) {
      char c = raw.charAt(i);
      if (UntrustedText.isHidden(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= MAX_SHOWN && raw.length() > MAX_SHOWN) {
      sb.setLength(MAX_SHOWN);
      sb.append("\\…");
    }
    String shown = sb.toString();
    // Belt and braces for the invariant the callers rely on.
    return isRepositoryPath(shown) ? "\\" + shown : shown;
  }
}
