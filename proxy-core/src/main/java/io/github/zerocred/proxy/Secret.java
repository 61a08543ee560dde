package io.github.zerocred.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential value that refuses to be printed: {@link #toString()} never shows it, so a secret
 * that ends up in a log line, an exception message or a debugger shows {@code ****} instead.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps a secret value. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The real value; call only where it is about to be sent upstream or compared. */
  public String reveal() {
    return value;
  }

  /** The real value as ASCII bytes, for matching it in streamed responses. */
  public byte[] revealBytes() {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  /** The number of characters, which is not secret: placeholders are made the same length. */
  public int length() {
    return value.length();
  }

  @Override
  public boolean equals(Object other) {
    // Constant time: equality of secrets must not leak how many leading characters matched.
    return other instanceof Secret s
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // deliberately uninformative; secrets are never map keys
  }

  @Override
  public String toString() {
    return "****";
  }
}
