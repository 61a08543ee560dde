package io.github.zerocred.workspace;

import java.util.Locale;

/** Which of the workspace's files are copied into the container. */
public enum WorkspaceFiles {
  /**
   * The files git tracks (as they are on disk, uncommitted changes included) plus {@code .git}:
   * what a review needs, without build output or files a workflow wrote next to the checkout.
   */
  TRACKED,
  /** Every file of the workspace. */
  ALL;

  /** The setting's value as users write it. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a user's value.
   *
   * @throws IllegalArgumentException when it is neither {@code tracked} nor {@code all}
   */
  public static WorkspaceFiles parse(String value) {
    for (WorkspaceFiles w : values()) {
      if (w.value().equals(value == null ? "" : value.strip().toLowerCase(Locale.ROOT))) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not a choice of workspace files: use tracked or all");
  }
}
