package io.github.zerocred.cli;

/**
 * The exit codes of {@code zerocred}, stable for scripts and listed in every {@code --help} footer.
 */
public final class ExitCodes {
  /** Ran and stopped cleanly, including the standalone proxy's stop by SIGTERM or SIGINT. */
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

  /**
   * A review was cancelled by SIGINT (Ctrl-C): 128 + 2, as a shell reports a process the signal
   * ended. The partial output is written and nothing is left behind.
   */
  public static final int INTERRUPTED = 130;

  /** A review was cancelled by SIGTERM (a cancelled CI job): 128 + 15. */
  public static final int TERMINATED = 143;

  private ExitCodes() {}
}
