package io.github.zerocred.run;

import io.github.zerocred.workspace.WorkspaceFiles;
import io.github.zerocred.workspace.WorkspaceSelection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The workspace as it goes into the container: a tar stream owned by the container user, links
 * stored not followed, git configs without credentials, every byte scanned for the given secrets,
 * narrowed to the files git tracks unless every file is asked for. {@link ClaudeRun} writes it
 * before anything starts; these entry points let a benchmark or a tool write and copy the same.
 */
public final class WorkspaceArchive {
  private WorkspaceArchive() {}

  /**
   * Writes the archive of every file of {@code workspace} (a real path, no link) to {@code out}.
   *
   * @return the workspace-relative paths of the files that held one of {@code secrets}
   */
  public static List<String> write(
      Path workspace, OutputStream out, List<RunConfig.SecretToKeepOut> secrets)
      throws IOException {
    return write(workspace, out, secrets, WorkspaceFiles.ALL, warning -> {});
  }

  /**
   * Writes the archive of the files of {@code workspace} (a real path, no link) that {@code files}
   * selects to {@code out}, as a run does.
   *
   * @param warnings hears why every file is copied when only tracked ones were asked for
   * @return the workspace-relative paths of the files that held one of {@code secrets}
   * @throws io.github.zerocred.proxy.InvalidConfigurationException when the git index cannot be
   *     used
   */
  public static List<String> write(
      Path workspace,
      OutputStream out,
      List<RunConfig.SecretToKeepOut> secrets,
      WorkspaceFiles files,
      Consumer<String> warnings)
      throws IOException {
    WorkspaceSelection selection =
        WorkspaceSelection.choose(workspace, files, "workspaceFiles", warnings);
    List<ContainerFiles.SecretFound> found;
    try (ContainerFiles archive = new ContainerFiles(out, SecretScanner.of(secrets))) {
      archive.tree(workspace, "workspace", ClaudeRun.CONTAINER_UID, selection);
      found = archive.secretsFound();
    }
    return found.stream().map(f -> f.path().substring("workspace/".length())).toList();
  }

  /**
   * Unpacks the archive file {@code tar} at {@code /} of the (created, not started) container, the
   * way a run does: on the engine's local socket as one request with its length, else through the
   * client library.
   */
  public static void copyInto(DockerEngine engine, String containerId, Path tar) {
    EngineSocket.copyIn(engine.client(), engine.host(), containerId, tar);
  }
}
