package io.github.zerocred.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The workspace as it goes into the container: a tar stream owned by the container user, links
 * stored not followed, git configs without credentials, every byte scanned for the given secrets.
 * {@link ClaudeRun} writes it before anything starts; this entry point lets a benchmark or a tool
 * write the same stream.
 */
public final class WorkspaceArchive {
  private WorkspaceArchive() {}

  /**
   * Writes the archive of {@code workspace} (a real path, no link) to {@code out}.
   *
   * @return the workspace-relative paths of the files that held one of {@code secrets}
   */
  public static List<String> write(
      Path workspace, OutputStream out, List<RunConfig.SecretToKeepOut> secrets)
      throws IOException {
    List<ContainerFiles.SecretFound> found;
    try (ContainerFiles files = new ContainerFiles(out, SecretScanner.of(secrets))) {
      files.tree(workspace, "workspace", ClaudeRun.CONTAINER_UID);
      found = files.secretsFound();
    }
    return found.stream().map(f -> f.path().substring("workspace/".length())).toList();
  }
}
