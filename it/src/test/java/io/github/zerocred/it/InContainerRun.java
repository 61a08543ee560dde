package io.github.zerocred.it;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs one short conversation from inside a container, as the GitHub Action does, and prints the
 * outcome. Arguments: image, workspace. The token comes from {@code CHILD_RUN_TOKEN}.
 */
public final class InContainerRun {
  private InContainerRun() {}

  /** Every address of this container's own interfaces. */
  static List<String> ownAddresses() {
    try {
      return NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .map(InetAddress::getHostAddress)
          .toList();
    } catch (SocketException e) {
      return List.of("(" + e + ")");
    }
  }

  public static void main(String[] args) {
    String token = System.getenv("CHILD_RUN_TOKEN");
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(token)
            .script(Reply.text("Hello from inside."))
            .start()) {
      RunResult result =
          ClaudeRun.execute(
              RunConfig.builder()
                  .workspace(Path.of(args[1]))
                  .prompt("Say hello.")
                  .image(args[0])
                  .credential(Credential.anthropic(token, "CHILD_RUN_TOKEN"))
                  .route(StandInAnthropicApi.API_HOST, standIn.address())
                  .upstreamTrust(standIn.pki().caCertificate())
                  .memoryBytes(512L * 1024 * 1024)
                  .timeout(Duration.ofMinutes(3))
                  .listener(
                      event -> {
                        if (event instanceof RunEvent.Started s) {
                          System.out.println("RUN " + s.runId() + " PROXY " + s.proxyAddress());
                          System.out.println("OWN ADDRESSES " + ownAddresses());
                        } else if (event instanceof RunEvent.Warning w) {
                          System.out.println("WARNING " + w.message());
                        }
                      })
                  .build());
      System.out.println("OUTCOME " + result.outcome() + " " + result.resultText());
      System.out.println("MESSAGE " + result.message());
    }
  }
}
