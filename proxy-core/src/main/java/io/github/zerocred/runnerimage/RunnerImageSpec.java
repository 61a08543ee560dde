package io.github.zerocred.runnerimage;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.ReviewSetting;
import io.github.zerocred.review.SettingNames;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the runner image is built from, as the user chose it: the Claude Code version, the base
 * image, optionally the npm registry; where the host caches the binary; the environment npm's
 * configuration is read from; and how the front end names each setting, for messages.
 *
 * @param claudeCodeVersion an exact Claude Code version
 * @param baseImage the base image reference
 * @param npmRegistry the npm registry's URL, or null for npm's own configuration
 * @param cacheRoot zerocred's cache directory on the host
 * @param env the environment (npm's configuration, {@code HOME})
 * @param names how the front end calls the settings
 */
public record RunnerImageSpec(
    String claudeCodeVersion,
    String baseImage,
    String npmRegistry,
    Path cacheRoot,
    Map<String, String> env,
    SettingNames names) {

  /** The default base image: a slim Debian. */
  public static final String DEFAULT_BASE_IMAGE = "debian:bookworm-slim";

  private static final Pattern IMAGE_REFERENCE =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}");

  public RunnerImageSpec {
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(cacheRoot, "cacheRoot");
    env = Map.copyOf(env);
    claudeCodeVersion =
        ClaudeCodeVersion.check(
            claudeCodeVersion == null ? ClaudeCodeVersion.DEFAULT : claudeCodeVersion.strip(),
            names.of(ReviewSetting.CLAUDE_CODE_VERSION));
    baseImage = checkBaseImage(baseImage, names.of(ReviewSetting.BASE_IMAGE));
    npmRegistry = npmRegistry == null || npmRegistry.isBlank() ? null : npmRegistry.strip();
  }

  /** The spec from the user's settings (nulls for defaults) and the process's environment. */
  public static RunnerImageSpec of(
      String claudeCodeVersion,
      String baseImage,
      String npmRegistry,
      Map<String, String> env,
      SettingNames names) {
    return new RunnerImageSpec(
        claudeCodeVersion,
        baseImage,
        npmRegistry,
        ClaudeCodeBinaries.defaultCacheRoot(env),
        env,
        names);
  }

  /** The same with another cache directory. */
  public RunnerImageSpec withCacheRoot(Path root) {
    return new RunnerImageSpec(claudeCodeVersion, baseImage, npmRegistry, root, env, names);
  }

  /**
   * The base image reference, checked; the default for none.
   *
   * @throws InvalidConfigurationException naming {@code settingName} when it is not a reference
   */
  public static String checkBaseImage(String image, String settingName) {
    if (image == null || image.isBlank()) {
      return DEFAULT_BASE_IMAGE;
    }
    String s = image.strip();
    if (!IMAGE_REFERENCE.matcher(s).matches() || s.contains("..") || s.contains("//")) {
      throw new InvalidConfigurationException(
          settingName
              + " must be an image reference such as "
              + DEFAULT_BASE_IMAGE
              + ", got '"
              + ClaudeCodeVersion.printable(s)
              + "'");
    }
    return s;
  }
}
