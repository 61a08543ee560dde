/**
 * The GitHub side of the action: its inputs and event, what a run reads and checks before it starts
 * ({@link io.github.zerocred.github.ActionContext}), the REST client, the pull request review
 * planner and its diff lines, publishing, the runner's workflow commands, and what the action
 * reports whatever happens ({@link io.github.zerocred.github.ActionReport}, {@link
 * io.github.zerocred.github.ActionFailure}). Everything here treats what the pull request and
 * Claude wrote as hostile text.
 */
package io.github.zerocred.github;
