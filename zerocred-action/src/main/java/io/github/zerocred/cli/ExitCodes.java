package io.github.zerocred.cli;

/**
 * The exit codes of {@code zerocred}, stable for scripts and listed in every {@code --help} footer.
 */
public final class ExitCodes {
  /** Ran and stopped cleanly, including a stop by SIGTERM or SIGINT. */
  public static final int OK = 0;

  /** Something failed at run time: cannot listen, cannot write a file. */
  public static final int RUNTIME_FAILURE = 1;

  /** The command line is wrong: unknown option, missing or malformed value. */
  public static final int USAGE = 2;

  /**
   * The credential in the environment is missing or malformed. Separate from {@link #USAGE} so a CI
   * job can tell "no secret here" (a pull request from a fork) from a broken command.
   */
  public static final int CREDENTIALS = 3;

  private ExitCodes() {}
}
