package io.github.zerocred.maven;

import io.github.zerocred.review.UntrustedText;
import org.apache.maven.plugin.logging.Log;

/**
 * Maven's log with every message made inert for CI runners ({@link UntrustedText#inertLogLines}):
 * the review, progress and failure lines quote Claude's text, and a {@code run: mvn ...} step in
 * GitHub Actions (or Azure Pipelines) would otherwise act on a {@code ##[...]} or {@code ::...::}
 * command in it. Maven's {@code [INFO] } prefix alone does not stop the legacy forms, which act
 * anywhere in a line.
 */
final class InertLog implements Log {
  private final Log log;

  InertLog(Log log) {
    this.log = log;
  }

  /** {@code content} with every line inert, also for a failure's message (Maven prints it). */
  static String inert(CharSequence content) {
    return content == null ? null : UntrustedText.inertLogLines(content.toString());
  }

  private static Throwable inert(Throwable error) {
    // A cause's message can quote Claude too; its stack trace is shown only with -e/-X.
    return error == null ? null : new InertThrowable(error);
  }

  @Override
  public boolean isDebugEnabled() {
    return log.isDebugEnabled();
  }

  @Override
  public void debug(CharSequence content) {
    log.debug(inert(content));
  }

  @Override
  public void debug(CharSequence content, Throwable error) {
    log.debug(inert(content), inert(error));
  }

  @Override
  public void debug(Throwable error) {
    log.debug(inert(error));
  }

  @Override
  public boolean isInfoEnabled() {
    return log.isInfoEnabled();
  }

  @Override
  public void info(CharSequence content) {
    log.info(inert(content));
  }

  @Override
  public void info(CharSequence content, Throwable error) {
    log.info(inert(content), inert(error));
  }

  @Override
  public void info(Throwable error) {
    log.info(inert(error));
  }

  @Override
  public boolean isWarnEnabled() {
    return log.isWarnEnabled();
  }

  @Override
  public void warn(CharSequence content) {
    log.warn(inert(content));
  }

  @Override
  public void warn(CharSequence content, Throwable error) {
    log.warn(inert(content), inert(error));
  }

  @Override
  public void warn(Throwable error) {
    log.warn(inert(error));
  }

  @Override
  public boolean isErrorEnabled() {
    return log.isErrorEnabled();
  }

  @Override
  public void error(CharSequence content) {
    log.error(inert(content));
  }

  @Override
  public void error(CharSequence content, Throwable error) {
    log.error(inert(content), inert(error));
  }

  @Override
  public void error(Throwable error) {
    log.error(inert(error));
  }

  /** A throwable that shows another's type and inert message, and keeps its stack trace. */
  static final class InertThrowable extends Throwable {
    private static final long serialVersionUID = 1L;

    InertThrowable(Throwable original) {
      // No cause: its message could quote Claude too, and the chain is the original's to show.
      super(
          original.getClass().getName()
              + (original.getMessage() == null ? "" : ": " + inert(original.getMessage())),
          null,
          false,
          true);
      setStackTrace(original.getStackTrace());
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
