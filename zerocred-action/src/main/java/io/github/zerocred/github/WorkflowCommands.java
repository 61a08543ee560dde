package io.github.zerocred.github;

import io.github.zerocred.review.UntrustedText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * GitHub Actions workflow commands ({@code ::add-mask::}, {@code ::group::}, {@code ::error::}) on
 * standard output, and the runner's file commands: {@code GITHUB_OUTPUT} and {@code
 * GITHUB_STEP_SUMMARY}. Every line printed passes the scrubber first.
 *
 * <p>The runner reads a step's output line by line (a line ends at {@code \n} or {@code \r}) and
 * runs as a command any line that, leading blanks trimmed, starts with {@code ::name ...::}, and
 * any line that holds {@code ##[name]} anywhere (the legacy form). Attacker text — everything from
 * Claude's container — must never produce either. So every line goes through one of: {@link #line}
 * (plain text: line breaks escaped, both command forms broken with a zero-width space), the command
 * methods (data escaped as the runner unescapes it: {@code %}, {@code \r}, {@code \n}), or {@link
 * #block} (many lines of model text between {@code ::stop-commands::<random token>} and {@code
 * ::<token>::}, during which the runner ignores every command but the token).
 */
public final class WorkflowCommands {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PrintWriter out;
  private final SecretScrubber scrubber;

  public WorkflowCommands(PrintWriter out, SecretScrubber scrubber) {
    this.out = out;
    this.scrubber = scrubber;
  }

  /**
   * Asks the runner to mask {@code secret} in every later log line. The only place a secret is
   * printed: the runner consumes the command and never shows it.
   */
  public void addMask(String secret) {
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

  public void group(String title) {
    command("::group::" + escapeData(title));
  }

  public void endGroup() {
    command("::endgroup::");
  }

  public void error(String title, String message) {
    command("::error title=" + escapeProperty(title) + "::" + escapeData(message));
  }

  public void warning(String message) {
    command("::warning::" + escapeData(message));
  }

  public void notice(String message) {
    command("::notice::" + escapeData(message));
  }

  /** A plain log line, scrubbed, that the runner cannot take for a command whatever it holds. */
  public void line(String text) {
    print(safeLine(text), true);
  }

  /**
   * Prints model text (a review, say) as it is, line by line, in a collapsible group, with the
   * runner's command processing stopped for its length: between {@code ::stop-commands::TOKEN} and
   * {@code ::TOKEN::} the runner acts on no line but the token, and the token is random, so the
   * text cannot name it.
   */
  public void block(String title, String text) {
    if (title != null) {
      group(title);
    }
    String body = scrubber.scrub(text == null ? "" : text);
    String token = stopToken(body);
    synchronized (out) {
      out.println("::stop-commands::" + token);
      for (String l : body.split("\r\n|\r|\n", -1)) {
        out.println(l);
      }
      out.println("::" + token + "::");
      out.flush();
    }
    if (title != null) {
      endGroup();
    }
  }

  private static String stopToken(String text) {
    while (true) {
      byte[] bytes = new byte[16];
      RANDOM.nextBytes(bytes);
      String token = "zerocred-" + HexFormat.of().formatHex(bytes);
      if (!text.toLowerCase(Locale.ROOT).contains(token)) {
        return token;
      }
    }
  }

  /** A command zerocred itself issues; its data was escaped by the caller. */
  private void command(String line) {
    print(line, true);
  }

  private void print(String text, boolean scrub) {
    synchronized (out) {
      out.println(scrub ? scrubber.scrub(text) : text);
      out.flush();
    }
  }

  /**
   * {@code text} as one log line the runner takes for no command: line breaks escaped as {@code
   * %0D}/{@code %0A}, the legacy {@code ##[} and a leading {@code ::} broken by a zero-width space.
   */
  public static String safeLine(String text) {
    return UntrustedText.inertLogLine(text);
  }

  public static String escapeData(String s) {
    return breakLegacyCommands(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"));
  }

  public static String escapeProperty(String s) {
    return escapeData(s).replace(":", "%3A").replace(",", "%2C");
  }

  private static String breakLegacyCommands(String s) {
    return s.replace("##", "#\u200b#");
  }

  /** Step outputs, written in one go to {@code GITHUB_OUTPUT} with a random delimiter each. */
  /**
   * Appends the step's outputs and summary to the files the runner names in {@code GITHUB_OUTPUT}
   * and {@code GITHUB_STEP_SUMMARY}; a failure is a warning, never the step's outcome.
   */
  public void writeStepFiles(Map<String, String> env, Outputs outputs, String summary) {
    String outputFile = env.get("GITHUB_OUTPUT");
    String summaryFile = env.get("GITHUB_STEP_SUMMARY");
    try {
      if (outputFile != null && !outputFile.isBlank()) {
        outputs.appendTo(Path.of(outputFile));
      }
      if (summaryFile != null && !summaryFile.isBlank()) {
        append(Path.of(summaryFile), summary);
      }
    } catch (IOException e) {
      warning("Could not write the step's outputs or summary: " + e.getMessage());
    }
  }

  public static final class Outputs {
    private final Map<String, String> values = new LinkedHashMap<>();

    public Outputs set(String name, String value) {
      values.put(name, value == null ? "" : value);
      return this;
    }

    public Map<String, String> values() {
      return Map.copyOf(values);
    }

    /** Appends every output to {@code file} ({@code name<<DELIMITER}, value, delimiter). */
    public void appendTo(Path file) throws IOException {
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

  public static void append(Path file, String text) throws IOException {
    Files.writeString(
        file,
        text,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }
}
