package io.github.zerocred.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.proxy.ProxyUsage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run produced.
 *
 * @param runId the run's id, as in container labels and the audit log
 * @param outcome how it ended
 * @param message one line for the person reading the CI log: what happened and, on failure, what to
 *     do
 * @param resultText Claude's final answer ({@code result} of the {@code result} event); empty when
 *     there was none
 * @param isError Claude Code's own {@code is_error}
 * @param numTurns turns Claude Code reported (or counted, when it never reported)
 * @param costUsd total cost Claude Code reported, in US dollars
 * @param usage tokens used
 * @param durationMs Claude Code's own {@code duration_ms}, or the wall time when it never reported
 * @param sessionId Claude Code's session id, if it got that far
 * @param rawResultJson the {@code result} event exactly as printed, if any
 * @param partialOutput the assistant text seen so far, kept especially when the run did not finish
 * @param stderrTail the last lines Claude Code wrote to stderr
 * @param exitCode the container's exit code, if it exited by itself
 * @param wallTime from the start of the run to the end of teardown
 * @param proxyUsage spend and API calls as the proxy measured them from the responses' usage,
 *     beside Claude Code's own {@code costUsd}; empty if the proxy never started
 */
public record RunResult(
    String runId,
    Outcome outcome,
    String message,
    String resultText,
    boolean isError,
    int numTurns,
    double costUsd,
    TokenUsage usage,
    long durationMs,
    Optional<String> sessionId,
    Optional<String> rawResultJson,
    String partialOutput,
    String stderrTail,
    Optional<Integer> exitCode,
    Duration wallTime,
    Optional<ProxyUsage> proxyUsage) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a run ended. */
  public enum Outcome {
    /** Claude Code finished and reported no error. */
    SUCCESS,
    /** Claude Code ran but reported an error (API error, expired token, max turns, budget). */
    CLAUDE_ERROR,
    /** The run's timeout passed; the container was killed. */
    TIMED_OUT,
    /** Docker, the image, the network or the proxy failed: nothing Claude did. */
    INFRASTRUCTURE_FAILURE,
    /**
     * The run was stopped on request (a {@link Cancellation}: Ctrl-C, SIGTERM, a cancelled CI job);
     * the container was killed and what Claude Code printed so far is kept.
     */
    CANCELLED,
    /**
     * The proxy refused further API calls: the spend it measured reached the budget, or the calls
     * reached the request cap. Claude Code's own limit could be bypassed from inside the container;
     * this one cannot.
     */
    BUDGET_EXCEEDED
  }

  public RunResult {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(resultText, "resultText");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(rawResultJson, "rawResultJson");
    Objects.requireNonNull(partialOutput, "partialOutput");
    Objects.requireNonNull(stderrTail, "stderrTail");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(wallTime, "wallTime");
    Objects.requireNonNull(proxyUsage, "proxyUsage");
  }

  /**
   * The same result with what the proxy measured; a run the proxy stopped at its budget or request
   * cap becomes {@link Outcome#BUDGET_EXCEEDED}, whatever Claude Code made of the refusal.
   */
  public RunResult withProxyUsage(ProxyUsage measured) {
    Outcome o = outcome;
    String m = message;
    if (measured.limitReached() && (o == Outcome.SUCCESS || o == Outcome.CLAUDE_ERROR)) {
      o = Outcome.BUDGET_EXCEEDED;
      m =
          measured.refusedOverBudget() > 0
              ? "The proxy stopped the run: the spend it measured ($"
                  + measured.costUsd().toPlainString()
                  + ") reached the budget"
              : "The proxy stopped the run: it reached the cap of "
                  + measured.requests()
                  + " API calls";
    }
    return with(o, m, wallTime, Optional.of(measured));
  }

  /** The same result with the run's wall time, known only once teardown is done. */
  public RunResult withWallTime(Duration wallTime) {
    return with(outcome, message, wallTime, proxyUsage);
  }

  /** A copy differing in what is known only after the run: outcome, message and measurements. */
  private RunResult with(
      Outcome outcome, String message, Duration wallTime, Optional<ProxyUsage> proxyUsage) {
    return new RunResult(
        runId,
        outcome,
        message,
        resultText,
        isError,
        numTurns,
        costUsd,
        usage,
        durationMs,
        sessionId,
        rawResultJson,
        partialOutput,
        stderrTail,
        exitCode,
        wallTime,
        proxyUsage);
  }

  /**
   * Claude Code's {@code structured_output} from the result event (runs with a {@link
   * RunConfig#jsonSchema()}), as JSON text; empty when the event is missing, holds none, or is not
   * JSON.
   */
  public Optional<String> structuredOutput() {
    if (rawResultJson.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode output = JSON.readTree(rawResultJson.get()).path("structured_output");
      return output.isMissingNode() || output.isNull()
          ? Optional.empty()
          : Optional.of(output.toString());
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** Whether the run succeeded. */
  public boolean isSuccess() {
    return outcome == Outcome.SUCCESS;
  }

  /** A run that never started (its runner image could not be had): the outcome and why. */
  public static RunResult notStarted(Outcome outcome, String message) {
    return Results.notRun(java.util.UUID.randomUUID().toString(), outcome, message);
  }
}
