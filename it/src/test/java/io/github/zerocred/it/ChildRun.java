package io.github.zerocred.it;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate JVM that starts a long run and announces it, so a test can kill it with SIGKILL.
 * Arguments: image, workspace. The token comes from {@code CHILD_RUN_TOKEN}, never an argument.
 */
public final class ChildRun {
  private ChildRun() {}

  public static void main(String[] args) {
    String token = System.getenv("CHILD_RUN_TOKEN");
    StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(token)
            .script(
                Reply.toolUse(
                    "Bash",
                    "{\"command\": \"timeout 600 tail -f /dev/null; echo never\","
                        + " \"description\": \"Work for a long time\"}"))
            .start();
    ClaudeRun.execute(
        RunConfig.builder()
            .workspace(Path.of(args[1]))
            .prompt("Work until killed.")
            .image(args[0])
            .credential(Credential.anthropic(token, "CHILD_RUN_TOKEN"))
            .route(StandInAnthropicApi.API_HOST, standIn.address())
            .upstreamTrust(standIn.pki().caCertificate())
            .memoryBytes(512L * 1024 * 1024)
            .timeout(Duration.ofMinutes(10))
            .listener(
                event -> {
                  if (event instanceof RunEvent.ToolUsed) {
                    System.out.println("RUNNING " + event.runId());
                    System.out.flush();
                  }
                })
            .build());
  }
}
