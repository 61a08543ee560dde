/**
 * The sandboxed Claude Code run: a locked-down container on a per-run internal network whose only
 * reachable address is the run's credential-injecting proxy. Start with {@link
 * io.github.zerocred.run.ClaudeRun#execute(RunConfig)}.
 */
package io.github.zerocred.run;
