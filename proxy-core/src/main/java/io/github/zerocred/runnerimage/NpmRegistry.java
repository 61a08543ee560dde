package io.github.zerocred.runnerimage;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the npm registry is: the user's setting, else npm's own configuration ({@code
 * NPM_CONFIG_REGISTRY} / {@code npm_config_registry}, the {@code registry=} line of the user's
 * {@code .npmrc}, else {@code npm config get registry}). zerocred names no registry itself, so a
 * company mirror is used wherever npm already uses it.
 */
public final class NpmRegistry {
  private static final Pattern REGISTRY_LINE = Pattern.compile("^\\s*registry\\s*=\\s*(\\S+)\\s*$");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final long MAX_NPMRC_BYTES = 256 * 1024;
  private static final int MAX_NPM_OUTPUT = 4096;

  private NpmRegistry() {}

  /**
   * The registry's base URL, ending in {@code /}.
   *
   * @param configured the user's setting, or null
   * @param settingName how the front end calls that setting, for messages
   * @param env the environment
   * @throws InvalidConfigurationException when none is found or it is not an http(s) URL
   */
  public static URI resolve(String configured, String settingName, Map<String, String> env) {
    if (configured != null && !configured.isBlank()) {
      return parse(configured.strip(), settingName);
    }
    for (String variable : List.of("NPM_CONFIG_REGISTRY", "npm_config_registry")) {
      String v = env.get(variable);
      if (v != null && !v.isBlank()) {
        return parse(v.strip(), variable);
      }
    }
    Path npmrc = userNpmrc(env);
    Optional<String> fromFile = npmrc == null ? Optional.empty() : registryLine(npmrc, env);
    if (fromFile.isPresent()) {
      return parse(fromFile.get(), "the registry= line of " + npmrc);
    }
    Optional<String> fromNpm = npmConfig(env);
    if (fromNpm.isPresent()) {
      return parse(fromNpm.get(), "`npm config get registry`");
    }
    throw new InvalidConfigurationException(
        "Cannot tell where the npm registry is (to fetch Claude Code for the runner image): set "
            + settingName
            + ", or NPM_CONFIG_REGISTRY, or a registry= line in ~/.npmrc, or put npm on the PATH;"
            + " or set the image to run with the image setting");
  }

  /** The URL, checked: http(s), a host, no credentials, no query; ends in {@code /}. */
  static URI parse(String text, String source) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(text, source, "not a URL");
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw invalid(text, source, "not an http(s) URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw invalid(text, source, "no host");
    }
    if (uri.getRawUserInfo() != null) {
      // Credentials belong in .npmrc's auth lines, never in a URL that messages may show.
      throw new InvalidConfigurationException(
          "The npm registry URL from "
              + source
              + " holds credentials; zerocred accepts none there");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(text, source, "a query or fragment");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (!path.endsWith("/")) {
      path = path + "/";
    }
    return URI.create(scheme + "://" + uri.getRawAuthority() + path);
  }

  private static InvalidConfigurationException invalid(String text, String source, String why) {
    return new InvalidConfigurationException(
        "The npm registry '"
            + ClaudeCodeVersion.printable(text)
            + "' from "
            + source
            + " is not usable ("
            + why
            + "): give the registry's http(s) URL, e.g. https://npm.example.com/");
  }

  private static Path userNpmrc(Map<String, String> env) {
    String configured = env.get("NPM_CONFIG_USERCONFIG");
    if (configured == null) {
      configured = env.get("npm_config_userconfig");
    }
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return home == null ? null : Path.of(home, ".npmrc");
  }

  /** The last {@code registry=} line of an {@code .npmrc}, with {@code ${VAR}} expanded. */
  static Optional<String> registryLine(Path npmrc, Map<String, String> env) {
    try {
      if (!Files.isRegularFile(npmrc, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(npmrc)) {
        return Optional.empty();
      }
      if (Files.size(npmrc) > MAX_NPMRC_BYTES) {
        return Optional.empty();
      }
      String found = null;
      for (String line : Files.readAllLines(npmrc, StandardCharsets.UTF_8)) {
        Matcher m = REGISTRY_LINE.matcher(line);
        if (m.matches()) {
          found = m.group(1);
        }
      }
      if (found == null) {
        return Optional.empty();
      }
      Matcher v = VARIABLE.matcher(found);
      StringBuilder expanded = new StringBuilder();
      while (v.find()) {
        v.appendReplacement(expanded, Matcher.quoteReplacement(env.getOrDefault(v.group(1), "")));
      }
      v.appendTail(expanded);
      return Optional.of(expanded.toString());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code npm config get registry}, when npm is on the PATH. */
  private static Optional<String> npmConfig(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "");
    boolean onPath = false;
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "npm"))) {
        onPath = true;
        break;
      }
    }
    if (!onPath) {
      return Optional.empty();
    }
    Process p = null;
    try {
      ProcessBuilder pb =
          new ProcessBuilder("npm", "config", "get", "registry")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      p = pb.start();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readNBytes(MAX_NPM_OUTPUT);
      }
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.empty();
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      return text.isEmpty() || text.equals("undefined") ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }
}
