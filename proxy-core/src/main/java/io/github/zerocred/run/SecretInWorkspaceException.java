package io.github.zerocred.run;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The run was refused before anything started because what would go into the container holds a real
 * secret the run knows (or, with a bind-mounted workspace, credentials in a git config that cannot
 * be taken out of a mount). The message names the files and the secret — never its value — and says
 * how to fix it; front ends report it as their invalid-input failure.
 */
public final class SecretInWorkspaceException extends InvalidConfigurationException {
  private static final long serialVersionUID = 1L;

  /** How many file names a message lists; the rest are counted. */
  static final int LISTED = 5;

  private static final String CHECKOUT_FIX =
      "If a checkout put it there (actions/checkout keeps the job's token in .git/config unless"
          + " told otherwise), set `persist-credentials: false` on the actions/checkout step;"
          + " otherwise remove it from the workspace.";

  private final List<String> files;

  private SecretInWorkspaceException(String message, List<String> files) {
    super(message);
    this.files = List.copyOf(files);
  }

  /** The workspace-relative paths of the files that held a secret. */
  public List<String> files() {
    return files;
  }

  static SecretInWorkspaceException of(List<ContainerFiles.SecretFound> found, String prefix) {
    List<String> files = found.stream().map(f -> relative(f.path(), prefix)).toList();
    SecretScanner.Hit first = found.get(0).hit();
    String message =
        "The workspace holds "
            + first.secret()
            + " ("
            + first.encoding()
            + ") in "
            + list(files)
            + ", so the run was refused before Claude's container started: the container must"
            + " never hold a real secret. "
            + CHECKOUT_FIX;
    return new SecretInWorkspaceException(message, files);
  }

  static SecretInWorkspaceException bindMounted(List<String> gitConfigs, String prefix) {
    List<String> files = gitConfigs.stream().map(f -> relative(f, prefix)).toList();
    return new SecretInWorkspaceException(
        "The workspace's "
            + list(files)
            + " holds credentials (an http extraheader, a credential helper, or a password in a"
            + " URL), and a bind-mounted workspace (bindMountWorkspace) shows the files as they"
            + " are, so the run was refused before Claude's container started. Copy the workspace"
            + " in instead (the copy leaves the credentials out), or "
            + CHECKOUT_FIX.substring(0, 1).toLowerCase(java.util.Locale.ROOT)
            + CHECKOUT_FIX.substring(1),
        files);
  }

  static SecretInWorkspaceException inPrompt(SecretScanner.Hit hit) {
    return new SecretInWorkspaceException(
        "The prompt holds "
            + hit.secret()
            + " ("
            + hit.encoding()
            + "), so the run was refused before Claude's container started: the container must"
            + " never hold a real secret. Take it out of the prompt (or the prompt file).",
        List.of());
  }

  private static String relative(String archivePath, String prefix) {
    String path =
        archivePath.startsWith(prefix) ? archivePath.substring(prefix.length()) : archivePath;
    return printable(path);
  }

  /** A hostile file name cannot break the message's line: control characters are replaced. */
  static String printable(String name) {
    StringBuilder sb = new StringBuilder();
    name.codePoints()
        .limit(200)
        .forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return sb.length() < name.length() ? sb + "…" : sb.toString();
  }

  private static String list(List<String> files) {
    String shown = files.stream().limit(LISTED).collect(Collectors.joining(", "));
    return files.size() > LISTED ? shown + " and " + (files.size() - LISTED) + " more" : shown;
  }
}
