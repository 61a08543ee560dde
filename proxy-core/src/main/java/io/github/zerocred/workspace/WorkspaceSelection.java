package io.github.zerocred.workspace;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which of the workspace's files a walk of it copies: every file, or the files git tracks plus the
 * top-level {@code .git} directory.
 *
 * <p>The index only ever narrows the walk: a path from it is looked up in a set, never opened, so a
 * crafted entry ({@code ../../etc/passwd}, a path through a link, a path that is a directory on
 * disk) can at most fail to match. The walk itself keeps its rules (links stored, not followed;
 * sockets and devices left out).
 *
 * <p>When the workspace is no git checkout of its own (no {@code .git}, a {@code .git} file whose
 * index lies outside the workspace, no index yet) every file is copied, with a warning: there is
 * nothing to narrow by, and a plain directory is a common workspace. When there is an index that
 * cannot be used (damaged, over a bound, a split index), the run is refused: copying everything
 * instead would quietly copy what the user chose to keep out (build output, files a workflow wrote
 * beside the checkout), so the user decides, with the setting named in the message.
 */
public final class WorkspaceSelection {
  private static final WorkspaceSelection ALL = new WorkspaceSelection(null, null);

  private final Set<String> files;
  private final Set<String> directories;

  private WorkspaceSelection(Set<String> files, Set<String> directories) {
    this.files = files;
    this.directories = directories;
  }

  /** Every file. */
  public static WorkspaceSelection all() {
    return ALL;
  }

  /** The given paths (workspace-relative, {@code /}-separated) and {@code .git}. */
  static WorkspaceSelection of(Iterable<String> paths) {
    Set<String> files = new HashSet<>();
    Set<String> directories = new HashSet<>();
    for (String path : paths) {
      files.add(path);
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        directories.add(path.substring(0, slash));
      }
    }
    return new WorkspaceSelection(files, directories);
  }

  /**
   * The selection {@code mode} makes of {@code workspace} (a real path).
   *
   * @param settingName the user's name for the setting, for the messages
   * @param warnings hears why every file is copied although only tracked files were asked for
   * @throws InvalidConfigurationException when the workspace's git index cannot be used
   */
  public static WorkspaceSelection choose(
      Path workspace, WorkspaceFiles mode, String settingName, Consumer<String> warnings) {
    if (mode == WorkspaceFiles.ALL) {
      return ALL;
    }
    String everyFile =
        ": copying every file of the workspace (set " + settingName + " to all to say so)";
    Path git = workspace.resolve(".git");
    BasicFileAttributes gitAttributes = attributes(git);
    if (gitAttributes == null) {
      warnings.accept("The workspace is not a git checkout (it has no .git)" + everyFile);
      return ALL;
    }
    if (!gitAttributes.isDirectory()) {
      warnings.accept(
          "The workspace's .git is not a directory (a linked worktree or a submodule keeps its"
              + " index outside the workspace, which zerocred does not read)"
              + everyFile);
      return ALL;
    }
    Path index = git.resolve("index");
    BasicFileAttributes indexAttributes = attributes(index);
    if (indexAttributes == null) {
      warnings.accept("The workspace's git repository has no index yet" + everyFile);
      return ALL;
    }
    try {
      if (!indexAttributes.isRegularFile()) {
        throw new GitIndexException("it is not a regular file");
      }
      return of(GitIndex.read(index).paths());
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          "The workspace's git index (.git/index) cannot be used to copy only the tracked files: "
              + e.getMessage()
              + ". Set "
              + settingName
              + " to all to copy every file of the workspace",
          e);
    }
  }

  private static BasicFileAttributes attributes(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          "Cannot read " + path.getFileName() + " in the workspace: " + e.getMessage(), e);
    }
  }

  /** Whether every file is copied. */
  public boolean everyFile() {
    return files == null;
  }

  /** Whether the walk enters this directory ({@code ""} is the workspace itself). */
  public boolean includesDirectory(String relative) {
    return files == null || relative.isEmpty() || inGit(relative) || directories.contains(relative);
  }

  /** Whether the walk copies this file or link. */
  public boolean includesFile(String relative) {
    return files == null || inGit(relative) || files.contains(relative);
  }

  private static boolean inGit(String relative) {
    return relative.equals(".git") || relative.startsWith(".git/");
  }
}
