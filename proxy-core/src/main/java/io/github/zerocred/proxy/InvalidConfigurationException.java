package io.github.zerocred.proxy;

/**
 * The user's input is wrong: a missing or malformed token, an unknown host, a bad limit. The
 * message names what to fix; front ends map it to their "your configuration" failure.
 */
public class InvalidConfigurationException extends ZerocredException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigurationException(String message) {
    super(message);
  }

  public InvalidConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
