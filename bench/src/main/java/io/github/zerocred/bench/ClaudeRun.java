package io.github.zerocred.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real Claude Code CLI once in print mode, in a clean environment and a fresh home, and
 * returns its wall time; fails unless it printed a successful result.
 */
final class ClaudeRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 120;

  private final Path claude;
  private final Path dir;
  private int runs;

  ClaudeRun(Path claude, Path dir) {
    this.claude = claude;
    this.dir = dir;
  }

  /** How the CLI reaches the Messages API, and the credential it holds. */
  record Setup(String name, Map<String, String> env) {
    /** Straight to the stand-in: the CLI holds the real token. */
    static Setup direct(String baseUrl, Path ca, String token) {
      return new Setup(
          "direct",
          Map.of(
              "ANTHROPIC_BASE_URL", baseUrl,
              "NODE_EXTRA_CA_CERTS", ca.toString(),
              "CLAUDE_CODE_OAUTH_TOKEN", token));
    }

    /** Through a proxy: the CLI holds the placeholder and trusts the proxy's CA. */
    static Setup proxied(String name, String proxyUrl, Path ca, String placeholder) {
      return new Setup(
          name,
          Map.of(
              "HTTPS_PROXY", proxyUrl,
              "NODE_EXTRA_CA_CERTS", ca.toString(),
              "CLAUDE_CODE_OAUTH_TOKEN", placeholder));
    }
  }

  /** Nanoseconds from starting the CLI to its exit. */
  long run(Setup setup) throws IOException, InterruptedException {
    Path runDir = Files.createDirectories(dir.resolve(setup.name() + "-" + runs++));
    Path home = Files.createDirectories(runDir.resolve("home"));
    Path workspace = Files.createDirectories(runDir.resolve("workspace"));
    Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\": true}");
    Path stdout = runDir.resolve("stdout.json");
    Path stderr = runDir.resolve("stderr.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                claude.toString(), "--print", "--output-format", "json", "Say hello in one word.")
            .directory(workspace.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    // A clean environment: no credential or proxy setting of the caller's may leak in.
    env.clear();
    env.put("PATH", path);
    env.put("HOME", home.toString());
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("CLAUDE_CODE_MAX_RETRIES", "0");
    env.putAll(setup.env());
    long start = System.nanoTime();
    Process process = builder.start();
    // Without end-of-input, print mode waits 3 s for data on stdin.
    process.getOutputStream().close();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException(setup.name() + ": claude did not finish in " + TIMEOUT_SECONDS + " s");
    }
    long elapsed = System.nanoTime() - start;
    String out = Files.readString(stdout, StandardCharsets.UTF_8).trim();
    JsonNode result;
    try {
      result = JSON.readTree(out.substring(Math.max(0, out.lastIndexOf("\n{") + 1)));
    } catch (IOException e) {
      result = null;
    }
    if (result == null || result.path("is_error").asBoolean(true)) {
      throw new IOException(
          setup.name()
              + ": claude exited "
              + process.exitValue()
              + " without a successful result: "
              + out
              + " "
              + Files.readString(stderr));
    }
    return elapsed;
  }

  static String version(Path claude) {
    String line = Processes.firstLine(List.of(claude.toString(), "--version"));
    return line == null ? "unknown" : line;
  }
}
