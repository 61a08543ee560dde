package io.github.zerocred.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real Claude Code CLI once in print mode ({@code claude --print --output-format json}) as
 * the tests and the benchmark need it: a clean environment, a fresh {@code HOME}, stdin closed, no
 * retries; the caller adds where the CLI sends its requests and the credential it holds.
 */
public final class ClaudePrint {

  /** How long one run may take before it is killed. */
  public static final long TIMEOUT_SECONDS = 120;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ClaudePrint() {}

  /**
   * What one run printed and how long it took.
   *
   * @param exitCode the CLI's exit code
   * @param elapsedNanos from starting the process to its exit
   * @param stdout everything printed on stdout, trimmed
   * @param stderr everything printed on stderr
   */
  public record Outcome(int exitCode, long elapsedNanos, String stdout, String stderr) {

    /**
     * The last JSON object printed (the result event; earlier lines may be warnings).
     *
     * @throws IOException when that is not JSON
     */
    public JsonNode result() throws IOException {
      return JSON.readTree(stdout.substring(stdout.lastIndexOf("\n{") + 1));
    }
  }

  /**
   * Runs {@code claude --print --output-format json ARGS PROMPT} in {@code workspace}; its home,
   * stdout and stderr go under {@code dir}.
   *
   * @param env added to the clean environment (and winning over it): e.g. {@code
   *     ANTHROPIC_BASE_URL} or {@code HTTPS_PROXY}, {@code NODE_EXTRA_CA_CERTS} and the credential
   * @throws IOException when the CLI cannot start or does not finish within {@value
   *     #TIMEOUT_SECONDS} s (it is killed then)
   */
  public static Outcome run(
      Path claude,
      Path dir,
      Path workspace,
      Map<String, String> env,
      List<String> args,
      String prompt)
      throws IOException, InterruptedException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\": true}");
    Path stdout = dir.resolve("stdout.json");
    Path stderr = dir.resolve("stderr.log");
    List<String> command =
        new ArrayList<>(List.of(claude.toString(), "--print", "--output-format", "json"));
    command.addAll(args);
    command.add(prompt);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workspace.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> environment = builder.environment();
    String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    // A clean environment: a credential or proxy setting in the developer's or CI's environment
    // must not leak in.
    environment.clear();
    environment.put("PATH", path);
    environment.put("HOME", home.toString());
    environment.put("DISABLE_AUTOUPDATER", "1");
    environment.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    // Retries of failed calls take minutes with backoff; a failing case wants the first answer.
    environment.put("CLAUDE_CODE_MAX_RETRIES", "0");
    environment.putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    // Without end-of-input, print mode waits 3 s for data on stdin before it starts.
    process.getOutputStream().close();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException(
          "claude did not finish within "
              + TIMEOUT_SECONDS
              + " s; stderr: "
              + Files.readString(stderr, StandardCharsets.UTF_8));
    }
    long elapsed = System.nanoTime() - start;
    return new Outcome(
        process.exitValue(),
        elapsed,
        Files.readString(stdout, StandardCharsets.UTF_8).trim(),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
