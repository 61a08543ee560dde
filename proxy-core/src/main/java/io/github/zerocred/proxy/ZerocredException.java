package io.github.zerocred.proxy;

/** Base of every failure zerocred reports; its message is written for the person who must act. */
public class ZerocredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ZerocredException(String message) {
    super(message);
  }

  public ZerocredException(String message, Throwable cause) {
    super(message, cause);
  }
}
