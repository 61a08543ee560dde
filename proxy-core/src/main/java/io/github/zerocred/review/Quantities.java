package io.github.zerocred.review;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses the durations, sizes and amounts users write ({@code 90s}, {@code 10m}, {@code 4g}, {@code
 * 2.50}).
 */
public final class Quantities {
  private Quantities() {}

  /**
   * A positive duration: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}, plain seconds, or
   * ISO-8601 ({@code PT10M}).
   *
   * @param name how the front end calls the setting, for messages (e.g. {@code --timeout})
   * @throws InvalidConfigurationException naming the setting
   */
  public static Duration duration(String text, String name) {
    if (text == null || text.isBlank()) {
      throw new InvalidConfigurationException(
          name + " is empty: give a duration like 90s, 10m or 1h");
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(t));
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new InvalidConfigurationException(
          name + " must be a duration like 90s, 10m or 1h, got '" + text + "'", e);
    }
    if (d.isNegative() || d.isZero()) {
      throw new InvalidConfigurationException(name + " must be positive, got '" + text + "'");
    }
    return d;
  }

  /**
   * A positive size in bytes: plain bytes, or with a {@code k}, {@code m}, {@code g} suffix
   * (binary: {@code 1g} is 1024 MiB), as Docker writes memory limits.
   *
   * @throws InvalidConfigurationException naming the setting
   */
  public static long bytes(String text, String name) {
    if (text == null || text.isBlank()) {
      throw new InvalidConfigurationException(name + " is empty: give a size like 512m or 4g");
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
      t = t.substring(0, t.length() - 1); // "4gb" reads as "4g"
    }
    long unit = 1;
    char last = t.charAt(t.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g' || last == 't') {
      unit = 1L << (10 * ("kmgt".indexOf(last) + 1));
      t = t.substring(0, t.length() - 1);
    }
    try {
      long value = Math.multiplyExact(Long.parseLong(t), unit);
      if (value <= 0) {
        throw new InvalidConfigurationException(name + " must be positive, got '" + text + "'");
      }
      return value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidConfigurationException(
          name + " must be a size like 512m or 4g, got '" + text + "'", e);
    }
  }

  /**
   * An amount of US dollars as the user wrote it ({@code 2.50}); whether it is positive is the
   * review's to check.
   *
   * @throws InvalidConfigurationException naming the setting
   */
  public static BigDecimal usd(String text, String name) {
    try {
      return new BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidConfigurationException(
          name + " must be an amount in US dollars like 2.50, got '" + text + "'", e);
    }
  }
}
