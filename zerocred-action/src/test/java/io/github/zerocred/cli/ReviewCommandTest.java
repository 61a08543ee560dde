package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.Quantities;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewCommandTest {
  // No signal ever arrives: these commands fail (or finish) by themselves.
  private final StopSignal noSignal = StopSignal.manual();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, env, new PrintWriter(out), new PrintWriter(err), noSignal);
  }

  @Test
  void timeout_acceptsHumanDurations_andRefusesNonsense() {
    assertThat(Quantities.duration("90s", "--timeout")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Quantities.duration("10m", "--timeout")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Quantities.duration("1h", "--timeout")).isEqualTo(Duration.ofHours(1));
    assertThat(Quantities.duration("PT2M", "--timeout")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> Quantities.duration("soon", "--timeout"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--timeout");
    assertThatThrownBy(() -> Quantities.duration("0s", "--timeout"))
        .hasMessageContaining("positive");
  }

  @Test
  void missingCredential_exits3_namingTheVariables_andWritesNothing(@TempDir Path dir) {
    Path output = dir.resolve("out");
    int code =
        run(Map.of(), "review", "--workspace", dir.toString(), "--output-dir", output.toString());

    assertThat(code).isEqualTo(ExitCodes.CREDENTIALS);
    assertThat(err.toString()).contains("CLAUDE_CODE_OAUTH_TOKEN").contains("ANTHROPIC_API_KEY");
    assertThat(Files.exists(output)).isFalse();
  }

  @Test
  void badTimeout_isAUsageError(@TempDir Path dir) {
    int code =
        run(
            Map.of("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-" + "t".repeat(60)),
            "review",
            "--workspace",
            dir.toString(),
            "--timeout",
            "forever",
            "--output-dir",
            dir.resolve("out").toString());

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--timeout must be a duration");
  }

  @Test
  void outputDirThatIsALink_isAUsageErrorNamingIt_andNothingIsWrittenThrough(@TempDir Path dir)
      throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(dir.resolve("out"), elsewhere);

    int code =
        run(
            Map.of("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-" + "t".repeat(60)),
            "review",
            "--workspace",
            dir.toString(),
            "--output-dir",
            link.toString());

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--output-dir").contains("symbolic link");
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void promptFileLinkedToProcSelfEnviron_isAUsageErrorNamingIt(@TempDir Path dir) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("p.md"), Path.of("/proc/self/environ"));

    int code =
        run(
            Map.of("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-" + "t".repeat(60)),
            "review",
            "--workspace",
            dir.toString(),
            "--prompt-file",
            link.toString(),
            "--output-dir",
            dir.resolve("out").toString());

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--prompt-file").contains("is not inside the workspace");
  }
}
