package io.github.zerocred.it;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate JVM (started with a small heap) whose agent prints 120 stream-json assistant lines
 * with unique 3 MB ids on the container's own stdout (paced, so that the log's rotation loses
 * none), then finishes. Prints the outcome and the turns counted. Arguments: image, workspace; the
 * token comes from {@code CHILD_RUN_TOKEN}.
 */
public final class FloodRun {
  private FloodRun() {}

  public static void main(String[] args) {
    String token = System.getenv("CHILD_RUN_TOKEN");
    AtomicInteger turns = new AtomicInteger();
    // Each line: {"type":"assistant","message":{"id":"<3 MB of x><n>","content":[]}}
    String flood =
        "for i in $(seq 120); do printf '{\\\"type\\\":\\\"assistant\\\",\\\"message\\\":{\\\"id\\\":\\\"';"
            + " head -c 3000000 /dev/zero | tr '\\\\0' x;"
            + " printf '%s\\\",\\\"content\\\":[]}}\\\\n' $i; sleep 0.2; done > /proc/1/fd/1;"
            + " echo flooded";
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(token)
            .script(
                Reply.toolUse(
                    "Bash", "{\"command\": \"" + flood + "\", \"description\": \"Flood\"}"),
                Reply.text("Done flooding."))
            .start()) {
      RunResult result =
          ClaudeRun.execute(
              RunConfig.builder()
                  .workspace(Path.of(args[1]))
                  .prompt("Flood the log.")
                  .image(args[0])
                  .credential(Credential.anthropic(token, "CHILD_RUN_TOKEN"))
                  .route(StandInAnthropicApi.API_HOST, standIn.address())
                  .upstreamTrust(standIn.pki().caCertificate())
                  .memoryBytes(1024L * 1024 * 1024)
                  .timeout(Duration.ofMinutes(3))
                  .listener(
                      event -> {
                        if (event instanceof RunEvent.Turn) {
                          turns.incrementAndGet();
                        }
                      })
                  .build());
      System.out.println("OUTCOME " + result.outcome());
      System.out.println("TURNS " + turns.get());
      System.out.println("MESSAGE " + result.message());
    }
  }
}
