package io.github.zerocred.review;

import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.FindingsSchema;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ProxyEvent;
import io.github.zerocred.run.Cancellation;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.ContainerRuntime;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TeardownPending;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One review, the same for every front end: checks the settings, decides structured or plain text,
 * resolves the prompt, configures and runs the sandboxed Claude Code run, parses the findings,
 * writes the files (also for a failed run), and judges the outcome: the findings over the threshold
 * and, for a run that produced no review, why and what to change.
 *
 * <p>Hostile input: the prompt file comes from the checkout ({@link ReviewPrompt#readFile} refuses
 * links out of it); everything the run returns is Claude's text, which the front end makes inert
 * for its medium; the output directory is opened through {@link OutputDirectory}, which follows no
 * link.
 */
public final class ReviewJob {
  private static final long MIN_MEMORY_BYTES = 64L * 1024 * 1024;

  private ReviewJob() {}

  /**
   * Runs the review.
   *
   * @throws ReviewSettingException when a setting is wrong, naming it in the front end's words
   * @throws io.github.zerocred.proxy.InvalidConfigurationException for the prompt and the run's
   *     configuration
   * @throws IOException when the output directory cannot be opened or written
   */
  public static ReviewOutcome run(ReviewRequest request, Cancellation cancellation)
      throws IOException {
    // The files are written while the sandbox goes away; everything is gone when this returns.
    try (HandedOverReview review = runHandingOver(request, cancellation)) {
      return review.outcome();
    }
  }

  /**
   * Runs the review as {@link #run(ReviewRequest, Cancellation)} does, but returns its outcome (the
   * files written) as soon as Claude Code's container has exited and the proxy has stopped, while
   * the run's thread still removes the container, the network and the rest: a front end that
   * delivers the review (the action posts it) does that meanwhile, then closes the returned review,
   * which waits for the teardown. Close it on every path (try-with-resources), also when the
   * delivery fails.
   *
   * @throws ReviewSettingException as {@link #run(ReviewRequest, Cancellation)}
   * @throws IOException as {@link #run(ReviewRequest, Cancellation)}; the teardown has finished
   *     when anything is thrown
   */
  public static HandedOverReview runHandingOver(ReviewRequest request, Cancellation cancellation)
      throws IOException {
    check(request);
    boolean structured = request.structured();
    String prompt = prompt(request, structured);
    ReviewFiles files = request.files().open();
    Path stage = request.stageAuditLog() ? temporaryDirectory() : null;
    Path audit = stage == null ? files.auditLog() : stage.resolve(ReviewFiles.AUDIT_JSONL);
    TeardownPending teardown = null;
    RunResult result;
    try {
      RunConfig.Builder run = configure(request, prompt, structured, audit);
      // Every setting is checked before the image step, which may take a minute.
      run.build();
      // Without an image to run, the runner image zerocred builds: reused while its inputs hold.
      run.image(
          request.image() != null
              ? request.image()
              : RunnerImageStep.prepare(request, cancellation));
      request.listener().runStarting();
      try {
        teardown = ClaudeRun.executeHandingOver(run.build(), cancellation);
        result = teardown.result();
      } finally {
        request.listener().runEnded();
      }
    } catch (RunnerImageStep.NotPrepared e) {
      result = e.result();
    } finally {
      if (stage != null) {
        // The proxy has stopped when the run hands its result over: the audit log is whole.
        copyAuditLog(audit, files);
        deleteTree(stage);
      }
    }
    try {
      return new HandedOverReview(outcome(request, structured, files, result), teardown);
    } catch (IOException | RuntimeException | Error e) {
      if (teardown != null) {
        teardown.close();
      }
      throw e;
    }
  }

  private static ReviewOutcome outcome(
      ReviewRequest request, boolean structured, ReviewFiles files, RunResult result)
      throws IOException {
    ReviewFindings findings = FindingsParser.forRun(result, structured);
    try {
      files.write(result, findings, request.toolVersion());
    } catch (IOException e) {
      throw new IOException(
          "Cannot write the review into " + files.directory() + ": " + e.getMessage(), e);
    }
    return new ReviewOutcome(
        result,
        findings,
        files,
        request.failOnSeverity(),
        findings.atOrAbove(request.failOnSeverity()),
        result.isSuccess()
            ? Optional.empty()
            : Optional.of(ReviewFailure.of(result, request.credential().kind(), request.names())));
  }

  /**
   * Runs the review that {@code request} makes, for a front end that prepares its output directory
   * before it reads its settings (the Maven goal): whatever stops the review before it has an
   * outcome (a missing credential, a refused setting, the engine failing) leaves {@code review.md}
   * and {@code review.json} in {@code files} saying why, so that a CI step that publishes them
   * always finds them, and is thrown. The request's own files should be {@code files}.
   *
   * @throws IOException as {@link #run(ReviewRequest, Cancellation)}; a failure to write the files
   *     that say why is added to it as suppressed
   */
  public static ReviewOutcome run(
      ReviewFiles files, Supplier<ReviewRequest> request, Cancellation cancellation)
      throws IOException {
    try {
      return run(request.get(), cancellation);
    } catch (IOException | RuntimeException e) {
      try {
        files.writeNotRun(e.getMessage() == null ? "the review could not start" : e.getMessage());
      } catch (IOException notWritten) {
        e.addSuppressed(
            new IOException(
                "could not write " + files.reviewMarkdown() + ": " + notWritten.getMessage(),
                notWritten));
      }
      throw e;
    }
  }

  /** The settings the run would refuse in its own words, refused here in the front end's. */
  static void check(ReviewRequest r) {
    SettingNames names = r.names();
    atLeastOne(r.maxTurns(), ReviewSetting.MAX_TURNS, names);
    atLeastOne(r.maxApiRequests(), ReviewSetting.MAX_API_REQUESTS, names);
    if (r.maxBudgetUsd() != null && r.maxBudgetUsd().signum() <= 0) {
      throw new ReviewSettingException(
          ReviewSetting.MAX_BUDGET_USD,
          names.of(ReviewSetting.MAX_BUDGET_USD)
              + " must be positive, got "
              + r.maxBudgetUsd().toPlainString());
    }
    if (r.memoryBytes() != null && r.memoryBytes() < MIN_MEMORY_BYTES) {
      throw new ReviewSettingException(
          ReviewSetting.MEMORY,
          names.of(ReviewSetting.MEMORY)
              + " must be at least 64 MiB, got "
              + r.memoryBytes()
              + " bytes");
    }
    if (r.cpus() != null && !(r.cpus() > 0)) {
      throw new ReviewSettingException(
          ReviewSetting.CPUS, names.of(ReviewSetting.CPUS) + " must be positive, got " + r.cpus());
    }
    if (r.runtime() != null && !r.runtime().isBlank()) {
      try {
        ContainerRuntime.checkName(r.runtime().strip(), names.of(ReviewSetting.RUNTIME));
      } catch (InvalidConfigurationException e) {
        throw new ReviewSettingException(ReviewSetting.RUNTIME, e.getMessage(), e);
      }
    }
  }

  private static void atLeastOne(Integer n, ReviewSetting setting, SettingNames names) {
    if (n != null && n < 1) {
      throw new ReviewSettingException(
          setting, names.of(setting) + " must be at least 1, got " + n);
    }
  }

  /** The prompt: the user's own, or the built-in review prompt asking for structured findings. */
  private static String prompt(ReviewRequest r, boolean structured) {
    if (structured) {
      return ReviewPrompt.builtIn(r.baseRef(), r.headRef() == null ? "HEAD" : r.headRef())
          + FindingsSchema.PROMPT;
    }
    return ReviewPrompt.resolve(
        r.prompt(),
        r.promptFile(),
        r.workspace(),
        r.baseRef(),
        r.names().of(ReviewSetting.PROMPT),
        r.names().of(ReviewSetting.PROMPT_FILE));
  }

  private static RunConfig.Builder configure(
      ReviewRequest r, String prompt, boolean structured, Path auditLog) {
    ReviewListener listener = r.listener();
    RunConfig.Builder b =
        RunConfig.builder()
            .pullMissingImage(r.pullMissingImage())
            .workspace(r.workspace())
            .prompt(prompt)
            .jsonSchema(structured ? FindingsSchema.json() : null)
            .timeout(r.timeout())
            .model(r.model())
            .maxTurns(r.maxTurns())
            .maxBudgetUsd(r.maxBudgetUsd())
            .maxApiRequests(r.maxApiRequests())
            .credential(r.credential())
            .auditLog(auditLog)
            .listener(new ProgressLines(listener::progress))
            .proxyListener(
                event -> {
                  if (event instanceof ProxyEvent.Warning w) {
                    listener.proxyWarning(w.message());
                  }
                });
    if (r.image() != null) {
      b.image(r.image());
    }
    if (r.memoryBytes() != null) {
      b.memoryBytes(r.memoryBytes());
    }
    if (r.cpus() != null) {
      b.cpus(r.cpus());
    }
    b.allowedTools(r.allowedTools());
    r.allowHosts().forEach(b::extraAllowedHost);
    String endpointName = r.names().of(ReviewSetting.ALLOW_ENDPOINTS);
    r.allowEndpoints()
        .forEach(e -> b.allowEndpoint(ApiPolicy.Endpoint.parse(e, endpointName).toString()));
    r.routes().forEach(b::route);
    r.upstreamCas().forEach(b::upstreamCa);
    r.secretsToKeepOut().forEach(b::secretToKeepOut);
    if (r.proxyPlacement() != null) {
      b.proxyPlacement(r.proxyPlacement());
    }
    if (r.proxyImage() != null && !r.proxyImage().isBlank()) {
      b.proxyImage(r.proxyImage());
    }
    b.runtime(r.runtime());
    b.runSlots(r.runSlots());
    b.workspaceFiles(r.workspaceFiles(), r.names().of(ReviewSetting.WORKSPACE_FILES));
    return b;
  }

  private static Path temporaryDirectory() throws IOException {
    try {
      return Files.createTempDirectory("zerocred-review-");
    } catch (IOException e) {
      throw new IOException("Cannot create a temporary directory: " + e.getMessage(), e);
    }
  }

  private static void copyAuditLog(Path audit, ReviewFiles files) {
    try {
      if (Files.exists(audit)) {
        files.copyAuditLog(audit);
      }
    } catch (IOException e) {
      // The audit log is a by-product; the run's own outcome decides the review.
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      // A private temporary directory; what is left is the system's to clean.
    }
  }
}
