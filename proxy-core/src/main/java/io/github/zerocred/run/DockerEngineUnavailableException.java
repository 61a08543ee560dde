package io.github.zerocred.run;

import io.github.zerocred.proxy.ZerocredException;

/**
 * No Docker engine answered, or it failed in a way that stops the run; the message says what to do.
 */
public class DockerEngineUnavailableException extends ZerocredException {
  private static final long serialVersionUID = 1L;

  public DockerEngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
