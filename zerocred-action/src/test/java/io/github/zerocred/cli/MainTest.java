package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.tls.TlsImplementation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The top-level program: help, version, and how failures become exit codes. */
class MainTest {
  // No signal ever arrives: these commands fail (or finish) by themselves.
  private final StopSignal noSignal = StopSignal.manual();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void everyCommandsHelp_namesEachOfItsOptions_andTheExitCodes() {
    CommandLine root = Main.commandLine(Map.of(), new PrintWriter(err), noSignal);
    for (CommandLine command : commandsOf(root)) {
      CommandSpec spec = command.getCommandSpec();
      String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (OptionSpec option : spec.options()) {
        assertThat(help).as("help of %s", spec.qualifiedName()).contains(option.longestName());
        assertThat(String.join(" ", option.description()))
            .as("description of %s %s", spec.qualifiedName(), option.longestName())
            .isNotBlank();
      }
      // Each command words its own outcomes, but every one lists every code.
      assertThat(help)
          .contains("Exit codes:")
          .contains("  " + ExitCodes.OK + "  ")
          .contains("  " + ExitCodes.RUNTIME_FAILURE + "  ")
          .contains(ExitCodes.USAGE + "  usage error")
          .contains(ExitCodes.CREDENTIALS + "  credential missing");
      assertThat(help.lines())
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }
  }

  @Test
  void proxyHelp_explainsTheEnvironmentAndTheReadyFile() {
    String help =
        Main.commandLine(Map.of(), new PrintWriter(err), noSignal)
            .getSubcommands()
            .get("proxy")
            .getUsageMessage(CommandLine.Help.Ansi.OFF);

    assertThat(help)
        .contains("CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "GITHUB_TOKEN")
        .contains("proxyUrl", "caCertFile", "placeholders", "auditLog")
        .contains("SIGTERM", "SIGINT");
  }

  @Test
  void help_exitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: zerocred").contains("proxy");
    assertThat(run("proxy", "--help")).isZero();
    assertThat(out.toString()).contains("Usage: zerocred proxy");
  }

  @Test
  void version_namesTheProgramAndTheTestedCli() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("zerocred ").contains("Claude Code CLI");
  }

  @Test
  void noCommand_isAUsageError() {
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).startsWith("zerocred: a command is needed");
  }

  @Test
  void unknownCommand_isAUsageErrorOnOneLine() {
    assertThat(run("prxy")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith("zerocred: ")
        .contains("prxy");
  }

  @Test
  void unexpectedFailure_isARuntimeFailure() {
    assertThat(Main.exitCode(new IllegalStateException("boom")))
        .isEqualTo(ExitCodes.RUNTIME_FAILURE);
    assertThat(Main.exitCode(new io.github.zerocred.proxy.ZerocredException("cannot listen")))
        .isEqualTo(ExitCodes.RUNTIME_FAILURE);
    assertThat(Main.exitCode(new io.github.zerocred.proxy.InvalidConfigurationException("--route")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(Main.exitCode(new CliException(ExitCodes.CREDENTIALS, "no token")))
        .isEqualTo(ExitCodes.CREDENTIALS);
  }

  private int run(String... args) {
    return Main.run(
        args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), noSignal);
  }

  private static java.util.List<CommandLine> commandsOf(CommandLine root) {
    java.util.List<CommandLine> all = new java.util.ArrayList<>();
    all.add(root);
    root.getSubcommands().values().forEach(sub -> all.addAll(commandsOf(sub)));
    return all;
  }

  @Test
  void aRunOfOneCommand_buildsThatCommandAlone_anythingElseTheWholeTree() {
    PrintWriter w = new PrintWriter(err);
    for (String command : List.of("proxy", "review", "action", "image")) {
      assertThat(
              Main.commandLineFor(new String[] {command, "--help"}, Map.of(), w, noSignal)
                  .getSubcommands())
          .containsOnlyKeys(command);
    }
    assertThat(Main.commandLineFor(new String[] {"--help"}, Map.of(), w, noSignal).getSubcommands())
        .containsOnlyKeys("proxy", "review", "action", "image");
    assertThat(Main.commandLineFor(new String[] {"proxi"}, Map.of(), w, noSignal).getSubcommands())
        .containsOnlyKeys("proxy", "review", "action", "image");
    assertThat(Main.commandLineFor(new String[0], Map.of(), w, noSignal).getSubcommands())
        .hasSize(4);
  }

  @Test
  void unknownOptionOfACommand_isStillAUsageErrorNamingThatCommand() {
    int code =
        Main.run(
            new String[] {"proxy", "--no-such-option"},
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            noSignal);

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--no-such-option").contains("zerocred proxy --help");
  }

  @Test
  void preload_isForTheCommandsThatStartAProxy_andLoadsNoNativeTlsWhenJdkIsAskedFor() {
    assertThat(Main.startsAProxy(new String[] {"proxy"})).isTrue();
    assertThat(Main.startsAProxy(new String[] {"review"})).isTrue();
    assertThat(Main.startsAProxy(new String[] {"action"})).isTrue();
    assertThat(Main.startsAProxy(new String[] {"image", "show"})).isFalse();
    assertThat(Main.startsAProxy(new String[] {"--version"})).isFalse();
    assertThat(Main.startsAProxy(new String[0])).isFalse();

    assertThat(Main.tlsOption(new String[] {"proxy", "--tls", "JDK"}))
        .isEqualTo(TlsImplementation.JDK);
    assertThat(Main.tlsOption(new String[] {"proxy", "--tls=JDK"}))
        .isEqualTo(TlsImplementation.JDK);
    assertThat(Main.tlsOption(new String[] {"proxy", "--tls", "NATIVE"}))
        .isEqualTo(TlsImplementation.AUTO);
    assertThat(Main.tlsOption(new String[] {"proxy", "--tls"})).isEqualTo(TlsImplementation.AUTO);
    assertThat(Main.tlsOption(new String[] {"proxy"})).isEqualTo(TlsImplementation.AUTO);
  }

  @Test
  void aFailedRun_marksTheArchiveItTrainsForDiscarding(@TempDir Path dir) {
    Path archive = dir.resolve("proxy-1.jsa.42.new");

    Main.discardClassDataArchive(archive.toString());
    Main.discardClassDataArchive(null);
    Main.discardClassDataArchive(dir.resolve("missing-folder/x.jsa").toString());

    assertThat(dir.resolve("proxy-1.jsa.42.new.discard")).exists();
  }
}
