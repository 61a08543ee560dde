package io.github.zerocred.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.zerocred.findings.FindingsFiles;
import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code zerocred review} and {@code zerocred action} share: the default review prompt, the
 * one-line summary of a run, progress lines for run events, and the result files.
 */
final class ReviewReport {
  static final String DEFAULT_PROMPT =
      "You are reviewing the code in the current directory for a pull request. Read the code,"
          + " find real problems (bugs, security issues, data loss, concurrency errors, missing"
          + " error handling), and report each with its file, line, severity and a short"
          + " explanation of why it is wrong and how to fix it. Do not modify any file. Answer"
          + " in Markdown; if you find nothing worth reporting, say so.";

  static final String REVIEW_MD = "review.md";
  static final String REVIEW_JSON = "review.json";
  static final String AUDIT_JSONL = "audit.jsonl";

  private ReviewReport() {}

  /**
   * The default prompt, narrowed to the changes from {@code base} to {@code head} when a base is
   * known.
   */
  static String defaultPrompt(String base, String head) {
    if (base == null || base.isBlank()) {
      return DEFAULT_PROMPT;
    }
    String to = head == null || head.isBlank() ? "HEAD" : head;
    return DEFAULT_PROMPT
        + " Review only the changes between "
        + base
        + " and "
        + to
        + ": run `git diff "
        + base
        + "..."
        + to
        + "` to see them, and read the surrounding code for context.";
  }

  /** {@code success: 2 turn(s), $0.0123, 4.2s}, with the reason appended on failure. */
  static String summary(RunResult r) {
    return String.format(
        Locale.ROOT,
        "%s: %d turn(s), $%.4f, %.1fs%s",
        outcomeName(r),
        r.numTurns(),
        r.costUsd(),
        r.durationMs() / 1000.0,
        r.isSuccess() ? "" : " — " + r.message());
  }

  /** {@code success}, {@code claude error}, {@code timed out}, {@code infrastructure failure}. */
  static String outcomeName(RunResult r) {
    return r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** The line a front end shows for a progress event, if it shows one. */
  static Optional<String> progressLine(RunEvent event) {
    if (event instanceof RunEvent.Swept s && s.containers() + s.networks() > 0) {
      return Optional.of(
          "removed leftovers of an earlier run: "
              + s.containers()
              + " container(s), "
              + s.networks()
              + " network(s)");
    } else if (event instanceof RunEvent.Started s) {
      return Optional.of("run " + s.runId() + ": Claude Code started in " + s.image());
    } else if (event instanceof RunEvent.ToolUsed t) {
      return Optional.of("turn " + t.turn() + ": " + t.tool());
    } else if (event instanceof RunEvent.Elapsed e) {
      return Optional.of(e.elapsed().toSeconds() + "s elapsed, " + e.turns() + " turn(s)");
    } else if (event instanceof RunEvent.Warning w) {
      return Optional.of("warning: " + w.message());
    }
    return Optional.empty();
  }

  /** The review as Markdown, or a note saying why there is none. */
  static String reviewMarkdown(RunResult result) {
    return result.resultText().isEmpty()
        ? "_No review was produced: " + result.message() + "_\n"
        : result.resultText() + "\n";
  }

  /**
   * The findings of a run: read from its structured output when the run asked for it, else the
   * plain-text review.
   */
  static ReviewFindings findings(RunResult result, boolean structured) {
    if (!result.isSuccess()) {
      return ReviewFindings.plainText(reviewMarkdown(result).strip(), List.of());
    }
    return structured
        ? FindingsParser.fromRun(result)
        : ReviewFindings.plainText(result.resultText(), List.of());
  }

  /**
   * Writes review.md (the findings as Markdown), review.json, findings.json and findings.sarif to
   * {@code dir}; returns the review.md path.
   */
  static Path write(Path dir, RunResult result, ReviewFindings findings) throws IOException {
    Files.createDirectories(dir);
    Path md = dir.resolve(REVIEW_MD);
    Files.writeString(
        md,
        result.isSuccess() ? findings.markdown() : reviewMarkdown(result),
        StandardCharsets.UTF_8);
    FindingsFiles.write(dir, findings, VersionProvider.version());
    JsonMapper json =
        JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();
    Files.writeString(
        dir.resolve(REVIEW_JSON), json.writeValueAsString(result), StandardCharsets.UTF_8);
    return md;
  }
}
