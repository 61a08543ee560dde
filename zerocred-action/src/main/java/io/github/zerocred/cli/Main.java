package io.github.zerocred.cli;

import io.github.zerocred.github.SecretScrubber;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ZerocredException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code zerocred} program. It parses the command line, runs one subcommand and turns every
 * failure into one {@code zerocred: ...} line on stderr and an exit code from {@link ExitCodes}.
 */
@Command(
    name = "zerocred",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {
      "Runs Claude Code without giving it a real credential: an ephemeral proxy holds the"
          + " credential and injects it into the requests that need it; the agent only ever"
          + " sees a placeholder.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = {
      "Run `zerocred COMMAND --help` for a command's options and environment variables.",
      "",
      "Exit codes:",
      "  0  stopped cleanly (`proxy` also after SIGTERM or SIGINT)",
      "  1  runtime failure (cannot listen, cannot write a file)",
      "  2  usage error (unknown option, bad option value)",
      "  3  credential missing or malformed in the environment",
      "  130/143  `review` or `action` cancelled by SIGINT (Ctrl-C) or SIGTERM: the container is",
      "           stopped, the partial output written, nothing is left behind"
    })
public final class Main implements Callable<Integer> {

  @Spec CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    // Signals first: a SIGTERM that arrives while the proxy or a review starts must still clean up.
    StopSignal stop = StopSignal.onTermOrInt();
    Charset charset = Charset.defaultCharset();
    int code =
        run(
            args,
            System.getenv(),
            new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true),
            new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true),
            stop);
    System.exit(code);
  }

  /**
   * Runs the program as {@link #main} does, with the environment, streams and stop signal given.
   *
   * @return the exit code
   */
  static int run(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, StopSignal stop) {
    SecretScrubber scrubber = SecretScrubber.forEnvironment(env);
    CommandLine commandLine = commandLine(env, err, stop);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setParameterExceptionHandler(
        (e, arguments) -> {
          String command = e.getCommandLine().getCommandSpec().qualifiedName();
          fail(err, scrubber.scrub(e.getMessage()) + " (see `" + command + " --help`)");
          return ExitCodes.USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          fail(err, scrubber.scrub(describe(e)));
          return exitCode(e);
        });
    return commandLine.execute(args);
  }

  /** The command tree, with the subcommands wired to what they need. */
  static CommandLine commandLine(Map<String, String> env, PrintWriter err, StopSignal stop) {
    return new CommandLine(new Main())
        .addSubcommand(new ProxyCommand(env, err, stop))
        .addSubcommand(new ReviewCommand(env, err, stop))
        .addSubcommand(new ActionCommand(env, stop))
        .addSubcommand(new ImageCommand(env, err, stop));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("zerocred: a command is needed");
    spec.commandLine().usage(err);
    return ExitCodes.USAGE;
  }

  static int exitCode(Exception e) {
    if (e instanceof CliException cli) {
      return cli.exitCode();
    }
    if (e instanceof InvalidConfigurationException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.RUNTIME_FAILURE;
  }

  private static String describe(Exception e) {
    if (e instanceof CliException || e instanceof ZerocredException) {
      return e.getMessage();
    }
    // Not a failure we foresaw: the type helps the bug report; a stack trace would not help a user.
    return "unexpected error: " + e;
  }

  private static void fail(PrintWriter err, String message) {
    synchronized (err) {
      err.println("zerocred: " + message);
      err.flush();
    }
  }
}
