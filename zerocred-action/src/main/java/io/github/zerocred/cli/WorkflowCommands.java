package io.github.zerocred.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * GitHub Actions workflow commands ({@code ::add-mask::}, {@code ::group::}, {@code ::error::}) on
 * standard output, and the runner's file commands: {@code GITHUB_OUTPUT} and {@code
 * GITHUB_STEP_SUMMARY}. Every line printed passes the scrubber first.
 */
final class WorkflowCommands {
  private final PrintWriter out;
  private final SecretScrubber scrubber;

  WorkflowCommands(PrintWriter out, SecretScrubber scrubber) {
    this.out = out;
    this.scrubber = scrubber;
  }

  /**
   * Asks the runner to mask {@code secret} in every later log line. The only place a secret is
   * printed: the runner consumes the command and never shows it.
   */
  void addMask(String secret) {
    if (secret == null || secret.isBlank()) {
      return;
    }
    // A multi-line value is masked line by line: the runner masks per line.
    for (String line : secret.split("\\R")) {
      if (!line.isBlank()) {
        print("::add-mask::" + escapeData(line.strip()), false);
      }
    }
  }

  void group(String title) {
    line("::group::" + escapeData(title));
  }

  void endGroup() {
    line("::endgroup::");
  }

  void error(String title, String message) {
    line("::error title=" + escapeProperty(title) + "::" + escapeData(message));
  }

  void warning(String message) {
    line("::warning::" + escapeData(message));
  }

  void notice(String message) {
    line("::notice::" + escapeData(message));
  }

  /** A plain log line, scrubbed. */
  void line(String text) {
    print(text, true);
  }

  private void print(String text, boolean scrub) {
    synchronized (out) {
      out.println(scrub ? scrubber.scrub(text) : text);
      out.flush();
    }
  }

  static String escapeData(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  static String escapeProperty(String s) {
    return escapeData(s).replace(":", "%3A").replace(",", "%2C");
  }

  /** Step outputs, written in one go to {@code GITHUB_OUTPUT} with a random delimiter each. */
  static final class Outputs {
    private final Map<String, String> values = new LinkedHashMap<>();

    Outputs set(String name, String value) {
      values.put(name, value == null ? "" : value);
      return this;
    }

    Map<String, String> values() {
      return Map.copyOf(values);
    }

    /** Appends every output to {@code file} ({@code name<<DELIMITER}, value, delimiter). */
    void appendTo(Path file) throws IOException {
      StringBuilder sb = new StringBuilder();
      values.forEach(
          (name, value) -> {
            String delimiter = delimiterFor(value);
            sb.append(name).append("<<").append(delimiter).append('\n');
            sb.append(value).append('\n');
            sb.append(delimiter).append('\n');
          });
      append(file, sb.toString());
    }

    private static String delimiterFor(String value) {
      while (true) {
        // Random, so a review cannot end the value early by containing the delimiter.
        String d = "ghadelimiter_" + UUID.randomUUID();
        if (!value.contains(d)) {
          return d;
        }
      }
    }
  }

  static void append(Path file, String text) throws IOException {
    Files.writeString(
        file,
        text,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }
}
