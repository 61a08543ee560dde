package io.github.zerocred.cli;

import io.github.zerocred.github.SecretScrubber;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ProxyPreload;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.proxy.tls.TlsImplementation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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

  /** The subcommands' names, in the order help lists them. */
  private static final List<String> COMMANDS = List.of("proxy", "review", "action", "image");

  /** The subcommands that start a proxy. */
  private static final List<String> PROXY_COMMANDS = List.of("proxy", "review", "action");

  @Spec CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    // Signals first: a SIGTERM that arrives while the proxy or a review starts must still clean up.
    StopSignal stop = StopSignal.onTermOrInt();
    // Then the proxy's own set-up on a second core, while this thread parses the command line.
    ProxyPreload preload = startsAProxy(args) ? ProxyPreload.start(tlsOption(args)) : null;
    Charset charset = Charset.defaultCharset();
    int code =
        run(
            args,
            System.getenv(),
            new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true),
            new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true),
            stop);
    if (preload != null) {
      // Netty unpacks the native TLS library into a temporary file and deletes it once loaded: a
      // program that ended mid-way (a usage error a few ms in) would leave that file behind.
      try {
        preload.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (code != ExitCodes.OK) {
      discardClassDataArchive(System.getProperty(CDS_TRAINING_PROPERTY));
    }
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
    CommandLine commandLine = commandLineFor(args, env, err, stop);
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
    CommandLine root = new CommandLine(new Main());
    for (String name : COMMANDS) {
      root.addSubcommand(subcommand(name, env, err, stop));
    }
    return root;
  }

  /**
   * The command tree a run with these arguments needs: when the first argument names a command, the
   * root and that command alone. Picocli reads every command's annotations by reflection when it is
   * added, which for all four is a quarter of a second of a cold start; a run uses one. Any other
   * first argument (an option, {@code --help}, a typo) gets the whole tree, so that help and "did
   * you mean" messages list every command.
   */
  static CommandLine commandLineFor(
      String[] args, Map<String, String> env, PrintWriter err, StopSignal stop) {
    if (args.length > 0 && COMMANDS.contains(args[0])) {
      return new CommandLine(new Main()).addSubcommand(subcommand(args[0], env, err, stop));
    }
    return commandLine(env, err, stop);
  }

  /** Whether the command in these arguments starts a proxy: all but {@code image}. */
  static boolean startsAProxy(String[] args) {
    return args.length > 0 && PROXY_COMMANDS.contains(args[0]);
  }

  /**
   * The {@code --tls} choice in these arguments, as far as a preload needs it: {@code JDK} must not
   * load the native library. Anything else, malformed included, is left to picocli to judge.
   */
  static TlsImplementation tlsOption(String[] args) {
    for (int i = 1; i < args.length; i++) {
      String value =
          args[i].startsWith("--tls=")
              ? args[i].substring("--tls=".length())
              : args[i].equals("--tls") && i + 1 < args.length ? args[i + 1] : null;
      if ("JDK".equals(value)) {
        return TlsImplementation.JDK;
      }
      if ("--".equals(args[i])) {
        break;
      }
    }
    return TlsImplementation.AUTO;
  }

  private static Object subcommand(
      String name, Map<String, String> env, PrintWriter err, StopSignal stop) {
    return switch (name) {
      case "proxy" -> new ProxyCommand(env, err, stop);
      case "review" -> new ReviewCommand(env, err, stop);
      case "action" -> new ActionCommand(env, stop);
      case "image" -> new ImageCommand(env, err, stop);
      default -> throw new IllegalArgumentException("no command " + name);
    };
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("zerocred: a command is needed");
    spec.commandLine().usage(err);
    return ExitCodes.USAGE;
  }

  /**
   * The launcher's property naming the class list this JVM writes, from which a later start dumps
   * the class-data-sharing archive (its first run of a command, see {@code bin/zerocred}).
   */
  static final String CDS_TRAINING_PROPERTY = "zerocred.cds.training";

  /**
   * Marks the class list this JVM writes as one not to keep: a run that failed early (a usage
   * error, a missing credential) loaded a fraction of the classes a real run does. The launcher
   * deletes a class list with this marker instead of dumping an archive from it.
   */
  static void discardClassDataArchive(String archive) {
    if (archive == null || archive.isEmpty()) {
      return;
    }
    try {
      Files.write(Path.of(archive + ".discard"), new byte[0]);
    } catch (IOException | RuntimeException e) {
      // Then a later start uses an archive that covers less: slower, not wrong.
    }
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
