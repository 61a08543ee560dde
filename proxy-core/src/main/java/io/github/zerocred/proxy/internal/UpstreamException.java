package io.github.zerocred.proxy.internal;

/** Why an upstream connection could not be made, worded for the client's 502 or 403 body. */
final class UpstreamException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String reason;

  UpstreamException(int status, String reason, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
    this.reason = reason;
  }

  int status() {
    return status;
  }

  String reason() {
    return reason;
  }
}
