package io.github.zerocred.cli;

/** A failure the user must act on, with the exit code it ends the program with. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  int exitCode() {
    return exitCode;
  }
}
