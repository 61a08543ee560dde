package io.github.zerocred.workspace;

import java.io.IOException;

/** A git index zerocred cannot use: malformed, over a bound, or in a form it does not read. */
public final class GitIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  GitIndexException(String message) {
    super(message);
  }

  GitIndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
