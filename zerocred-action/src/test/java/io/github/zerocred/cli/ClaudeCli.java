package io.github.zerocred.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real Claude Code CLI for tests: never skipped, a clear failure when it is missing. */
final class ClaudeCli {
  static final String VARIABLE = "ZEROCRED_CLAUDE_BIN";

  private ClaudeCli() {}

  /**
   * The {@code ZEROCRED_CLAUDE_BIN} system property, else that environment variable, else {@code
   * claude} on the {@code PATH}.
   *
   * @throws AssertionError saying how to provide it
   */
  static Path locate() {
    String configured = System.getProperty(VARIABLE);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(VARIABLE);
    }
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        throw new AssertionError(VARIABLE + "=" + configured + " is not an executable file");
      }
      return path;
    }
    String searchPath = System.getenv("PATH");
    if (searchPath != null) {
      for (String dir : searchPath.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          Path candidate = Path.of(dir, "claude");
          if (Files.isExecutable(candidate)) {
            return candidate;
          }
        }
      }
    }
    throw new AssertionError(
        "The Claude Code CLI is needed for this test and was not found. Install the pinned"
            + " version (npm install @anthropic-ai/claude-code@"
            + System.getProperty("zerocred.claude.version", "<see the root pom>")
            + ") and set "
            + VARIABLE
            + " to node_modules/@anthropic-ai/claude-code/bin/claude.exe (environment variable or"
            + " -D"
            + VARIABLE
            + "=...), or put `claude` on the PATH.");
  }
}
