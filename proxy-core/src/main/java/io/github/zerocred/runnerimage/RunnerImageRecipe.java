package io.github.zerocred.runnerimage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The runner image's recipe (the {@code Dockerfile} beside this class) and the tag derived from
 * everything that goes into an image: the recipe, the Claude Code version, the architecture and the
 * base image's id. The same inputs give the same tag, so a later run finds the image; a change to
 * any of them gives a new tag, so the image is rebuilt.
 */
public final class RunnerImageRecipe {
  /** The repository part of every runner image zerocred builds. */
  public static final String REPOSITORY = "zerocred-runner";

  /** Bump when the way an image is built changes outside the Dockerfile. */
  private static final int REVISION = 1;

  private static final String DOCKERFILE = load();

  private RunnerImageRecipe() {}

  /** The Dockerfile. */
  public static String dockerfile() {
    return DOCKERFILE;
  }

  /**
   * The full hash of an image's inputs, also kept in its {@code zerocred.runner.inputs} label.
   *
   * @param nodeArch {@code x64} or {@code arm64}
   * @param baseImageId the base image's id ({@code sha256:…})
   */
  public static String inputs(String claudeCodeVersion, String nodeArch, String baseImageId) {
    String text =
        "zerocred runner image, revision "
            + REVISION
            + "\nclaude-code="
            + claudeCodeVersion
            + "\narch=linux-"
            + nodeArch
            + "\nbase-id="
            + baseImageId
            + "\n--- Dockerfile\n"
            + DOCKERFILE;
    return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The tag: {@code zerocred-runner:<version>-<12 hex digits of the inputs>}. */
  public static String tag(String claudeCodeVersion, String inputs) {
    return REPOSITORY + ":" + claudeCodeVersion + "-" + inputs.substring(0, 12);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  private static String load() {
    try (InputStream in = RunnerImageRecipe.class.getResourceAsStream("Dockerfile")) {
      if (in == null) {
        throw new IllegalStateException("the runner image's Dockerfile is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
