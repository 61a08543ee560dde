package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.InvalidConfigurationException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigTest {
  private static final String TOKEN = "sk-ant-oat01-" + "x".repeat(60);

  @TempDir Path workspace;

  private RunConfig.Builder valid() {
    return RunConfig.builder()
        .workspace(workspace)
        .prompt("Review this change")
        .credential(Credential.anthropic(TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"));
  }

  @Test
  void defaults_areTheProductionImageAndSaneLimits() {
    RunConfig config = valid().build();

    assertThat(config.image()).isEqualTo(RunConfig.DEFAULT_IMAGE);
    assertThat(config.timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.bindMountWorkspace()).isFalse();
    assertThat(config.model()).isEmpty();
    assertThat(config.dockerHost()).isEmpty();
    assertThat(config.workspace()).isAbsolute();
    // Never send the engine to a registry unless a front end asks for it.
    assertThat(config.pullMissingImage()).isFalse();
    assertThat(valid().pullMissingImage(true).build().pullMissingImage()).isTrue();
  }

  @Test
  void secretsToKeepOut_addToTheCredentials_andAnAbsentTokenIsIgnored() {
    RunConfig config =
        valid()
            .secretToKeepOut("the GitHub token", "ghs_0123456789abcdefghij")
            .secretToKeepOut("the other token", null)
            .secretToKeepOut("a blank one", " ")
            .build();

    assertThat(config.allSecrets())
        .extracting(RunConfig.SecretToKeepOut::name)
        .containsExactly("the Claude Code OAuth token", "the GitHub token");
    assertThat(config.allSecrets().toString()).doesNotContain("ghs_0123456789abcdefghij");
  }

  @Test
  void toString_showsNeitherThePromptNorTheToken() {
    String text = valid().prompt("secret plans").build().toString();

    assertThat(text).doesNotContain("secret plans").doesNotContain(TOKEN);
  }

  @Test
  void eachBadSetting_namesTheFieldToFix() {
    assertRejected(b -> b.workspace(null), "workspace is not set");
    assertRejected(b -> b.workspace(workspace.resolve("missing")), "does not exist");
    assertRejected(b -> b.prompt(" "), "prompt is empty");
    assertRejected(b -> b.maxTurns(0), "maxTurns must be at least 1");
    assertRejected(b -> b.maxBudgetUsd(BigDecimal.ZERO), "maxBudgetUsd must be positive");
    assertRejected(b -> b.allowedTool("Bash(rm -rf /)\n"), "allowedTools holds");
    assertRejected(b -> b.disallowedTool(""), "disallowedTools holds");
    assertRejected(b -> b.timeout(Duration.ZERO), "timeout must be positive");
    assertRejected(b -> b.image("two words"), "image 'two words' is not an image reference");
    assertRejected(b -> b.memoryBytes(1024), "memory must be at least 64 MiB");
    assertRejected(b -> b.cpus(0), "cpus must be positive");
    assertRejected(b -> b.pidsLimit(1), "pidsLimit must be at least 16");
    assertRejected(b -> b.model("a model; rm"), "model 'a model; rm' is not a model name");
    assertRejected(b -> b.route("api.anthropic.com"), "routes: 'api.anthropic.com' must look like");
    assertRejected(b -> b.route("api.anthropic.com=gateway.local:443"), "must name an IP address");
  }

  @Test
  void aFileInsteadOfADirectory_isRejected() throws Exception {
    Path file = Files.writeString(workspace.resolve("file.txt"), "x");

    assertRejected(b -> b.workspace(file), "is not a directory");
  }

  @Test
  void noCredential_saysWhichVariablesToSet() {
    assertThatThrownBy(() -> RunConfig.builder().workspace(workspace).prompt("p").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN")
        .hasMessageContaining("ANTHROPIC_API_KEY");
  }

  @Test
  void routeSpec_isParsed() {
    RunConfig config = valid().route("API.Anthropic.com=10.0.0.5:8443").build();

    assertThat(config.proxy().routes()).containsOnlyKeys("api.anthropic.com");
    assertThat(config.proxy().routes().get("api.anthropic.com").getPort()).isEqualTo(8443);
  }

  private void assertRejected(UnaryOperator<RunConfig.Builder> change, String message) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(message);
  }
}
