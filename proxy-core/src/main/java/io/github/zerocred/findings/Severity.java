package io.github.zerocred.findings;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How bad a finding is, most severe first. */
public enum Severity {
  CRITICAL("error", "9.5"),
  HIGH("error", "8.0"),
  MEDIUM("warning", "5.5"),
  LOW("note", "3.0"),
  INFO("note", "1.0");

  private final String sarifLevel;
  private final String securitySeverity;

  Severity(String sarifLevel, String securitySeverity) {
    this.sarifLevel = sarifLevel;
    this.securitySeverity = securitySeverity;
  }

  /** The name in the schema, the files and the inputs: {@code critical} … {@code info}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** SARIF's {@code level}: {@code error}, {@code warning} or {@code note}. */
  public String sarifLevel() {
    return sarifLevel;
  }

  /**
   * GitHub code scanning's {@code security-severity} (a CVSS-like score it maps back to critical,
   * high, medium, low), so that a security finding keeps its severity there.
   */
  public String securitySeverity() {
    return securitySeverity;
  }

  /** Whether this is as severe as {@code threshold} or more. */
  public boolean atLeast(Severity threshold) {
    return compareTo(threshold) <= 0;
  }

  /** The severity with this id, ignoring case and surrounding blanks. */
  public static Optional<Severity> fromId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    String s = id.strip().toUpperCase(Locale.ROOT);
    return Arrays.stream(values()).filter(v -> v.name().equals(s)).findFirst();
  }

  /**
   * A failure threshold as a user writes it: a severity, or {@code none} (or blank) for no
   * threshold.
   *
   * @param setting the parameter's name as the user knows it, for the message
   * @throws InvalidConfigurationException naming {@code setting} when the value is neither
   */
  public static Optional<Severity> threshold(String value, String setting) {
    if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("none")) {
      return Optional.empty();
    }
    return Optional.of(
        fromId(value)
            .orElseThrow(
                () ->
                    new InvalidConfigurationException(
                        setting
                            + " must be one of none, "
                            + Arrays.stream(values())
                                .map(Severity::id)
                                .collect(Collectors.joining(", "))
                            + "; got '"
                            + value
                            + "'")));
  }
}
