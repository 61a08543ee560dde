package io.github.zerocred.it;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that reaches its Docker engine only through {@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}
 * and {@code DOCKER_CERT_PATH}, as a user of a remote engine does, and runs one review there with
 * the default proxy placement. Arguments: runner image, proxy image, workspace, route
 * (HOST=IP:PORT), upstream CA file, audit log, optionally {@code bind} to bind-mount the workspace.
 * The token comes from {@code CHILD_RUN_TOKEN}.
 */
public final class RemoteRun {
  private RemoteRun() {}

  public static void main(String[] args) {
    String token = System.getenv("CHILD_RUN_TOKEN");
    RunResult result =
        ClaudeRun.execute(
            RunConfig.builder()
                .image(args[0])
                .proxyImage(args[1])
                .workspace(Path.of(args[2]))
                .prompt("Please follow the scripted conversation.")
                .credential(Credential.anthropic(token, "CLAUDE_CODE_OAUTH_TOKEN"))
                .route(args[3])
                .upstreamCa(Path.of(args[4]))
                .auditLog(Path.of(args[5]))
                .bindMountWorkspace(args.length > 6 && args[6].equals("bind"))
                .memoryBytes(1024L * 1024 * 1024)
                .timeout(Duration.ofMinutes(4))
                .listener(
                    event -> {
                      if (event instanceof RunEvent.Started s) {
                        say("RUN " + s.runId() + " PROXY " + s.proxyAddress());
                      } else if (event instanceof RunEvent.ToolUsed) {
                        say("RUNNING " + event.runId());
                      } else if (event instanceof RunEvent.Warning w) {
                        say("WARNING " + w.message());
                      }
                    })
                .build());
    say("OUTCOME " + result.outcome());
    say("MESSAGE " + result.message());
    say("USAGE " + result.proxyUsage().map(u -> Long.toString(u.requests())).orElse("none"));
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
