package io.github.zerocred.runnerimage;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.regex.Pattern;

/**
 * An exact Claude Code version ({@code 2.1.330}, {@code 2.2.0-beta.1}): never a range, a tag such
 * as {@code latest}, or anything a path, a URL or an image tag could misread.
 *
 * <p>Hostile input: the version comes from a POM, a command line or a workflow file and ends up in
 * a registry URL, a cache path and an image tag; only digits, dots and a plain pre-release pass.
 */
public final class ClaudeCodeVersion {
  /** The Claude Code version zerocred is tested with. */
  public static final String DEFAULT = "2.1.330";

  private static final int MAX_LENGTH = 64;
  private static final Pattern EXACT =
      Pattern.compile(
          "(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z]+(\\.[0-9A-Za-z]+)*)?");

  private ClaudeCodeVersion() {}

  /**
   * The version, checked.
   *
   * @param settingName how the user's front end calls the setting, for the message
   * @throws InvalidConfigurationException when it is not an exact version
   */
  public static String check(String text, String settingName) {
    if (text == null || text.length() > MAX_LENGTH || !EXACT.matcher(text).matches()) {
      throw new InvalidConfigurationException(
          settingName
              + " must be an exact Claude Code version such as "
              + DEFAULT
              + " (no range, no tag such as latest), got '"
              + printable(text)
              + "'");
    }
    return text;
  }

  /** The text for a message: bounded, with control characters shown as {@code ?}. */
  static String printable(String text) {
    if (text == null) {
      return "";
    }
    String cut = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "…" : text;
    StringBuilder b = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
