package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that has to wait for a slot: it reports that it waits, creates nothing meanwhile, and its
 * timeout counts from the moment it gets the slot, not from the start of the wait.
 */
class QueuedRunTest {
  private static final String TOKEN =
      "sk-ant-oat01-queuedRunTest_notASecret_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-AA";

  @TempDir Path workspace;

  @Test
  void aRunWaitingLongerThanItsTimeoutForASlot_reportsItWaits_thenRunsToSuccess() throws Exception {
    String image = System.getProperty("ZEROCRED_TEST_IMAGE", System.getenv("ZEROCRED_TEST_IMAGE"));
    assertThat(image).as("ZEROCRED_TEST_IMAGE (it/run-tests.sh sets it)").isNotBlank();
    Files.writeString(workspace.resolve("README.md"), "hello\n");
    RunSlots slots = RunSlots.withLimit(1);
    List<RunEvent> events = new CopyOnWriteArrayList<>();
    RunSlots.Slot taken =
        slots.acquire(Cancellation.create(), Duration.ofSeconds(1), (a, r, l, w) -> {});
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(TOKEN)
            .defaultReply(Reply.text("Queued, then done."))
            .start()) {
      RunConfig config =
          RunConfig.builder()
              .workspace(workspace)
              .prompt("Review.")
              .image(image)
              .credential(Credential.anthropic(TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
              .route(StandInAnthropicApi.API_HOST, standIn.address())
              .upstreamTrust(standIn.pki().caCertificate())
              .memoryBytes(512L * 1024 * 1024)
              .timeout(Duration.ofSeconds(45))
              .progressInterval(Duration.ofSeconds(10))
              .runSlots(slots)
              .listener(events::add)
              .build();
      CompletableFuture<RunResult> run =
          CompletableFuture.supplyAsync(() -> ClaudeRun.execute(config));

      // Longer than the run's timeout, while another run holds the only slot.
      Thread.sleep(Duration.ofSeconds(50).toMillis());
      assertThat(run).isNotDone();
      assertThat(events).allMatch(e -> e instanceof RunEvent.Queued);
      assertThat(events).hasSizeGreaterThanOrEqualTo(4); // at once, then every 10 s
      assertThat(((RunEvent.Queued) events.get(0)).limit()).isEqualTo(1);
      assertThat(standIn.requests()).isEmpty();

      taken.close();
      RunResult result = run.get(3, TimeUnit.MINUTES);
      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      assertThat(result.resultText()).isEqualTo("Queued, then done.");
      assertThat(slots.running()).isZero();
    } finally {
      taken.close();
    }
  }
}
