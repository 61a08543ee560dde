/**
 * The GitHub side of the action: its inputs and event, the REST client, the pull request review
 * planner and its diff lines, publishing, and the runner's workflow commands. Everything here
 * treats what the pull request and Claude wrote as hostile text.
 */
package io.github.zerocred.github;
