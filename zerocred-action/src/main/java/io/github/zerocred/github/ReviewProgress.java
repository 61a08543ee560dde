package io.github.zerocred.github;

import io.github.zerocred.review.ReviewListener;
import java.util.Objects;

/**
 * A review's progress as the runner shows it: one {@code [zerocred]} line each, the run itself in a
 * collapsible group. Lines quote Claude (tool names, warnings): {@link WorkflowCommands#line} keeps
 * each one line that issues no command. Building the runner image gets a group of its own.
 */
public final class ReviewProgress implements ReviewListener {
  private final WorkflowCommands wf;

  public ReviewProgress(WorkflowCommands wf) {
    this.wf = Objects.requireNonNull(wf, "wf");
  }

  @Override
  public void progress(String line) {
    wf.line("[zerocred] " + line);
  }

  @Override
  public void runStarting() {
    wf.group("Claude Code is reviewing (sandboxed: no network but the credential proxy)");
  }

  @Override
  public void runEnded() {
    wf.endGroup();
  }

  @Override
  public void imageBuildStarting(String what) {
    wf.group(what);
  }

  @Override
  public void imageBuildEnded() {
    wf.endGroup();
  }
}
