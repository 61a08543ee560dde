package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ZerocredException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the proxy container is told, without an engine: its command line carries every setting and
 * never a credential; the credentials go in the file only. The container itself is exercised by the
 * end-to-end {@code RemoteEngineRunTest}.
 */
class ProxyContainerTest {
  private static final String TOKEN = "sk-ant-oat01-" + "t".repeat(60) + "-unitAA";
  private static final String GITHUB = "ghp_" + "g".repeat(36);

  private static ProxyConfig config() {
    return ProxyConfig.builder()
        .credential(Credential.anthropic(TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
        .credential(Credential.github(GITHUB, "GITHUB_TOKEN"))
        .allowHost("registry.example.com")
        .route("api.anthropic.com", new InetSocketAddress("172.17.0.1", 8443))
        .allowEndpoint("GET /v1/models")
        .allowWebSearch(true)
        .maxBudgetUsd(new BigDecimal("1.50"))
        .maxRequests(7)
        .modelFamily("claude-sonnet")
        .maxTokens(4096)
        .auditLog(java.nio.file.Path.of("/tmp/audit.jsonl"))
        .build();
  }

  @Test
  void commandLine_carriesEverySetting_andNoCredential() {
    List<String> args = ProxyContainer.arguments(config(), "run-1", "172.30.0.0/16");

    assertThat(String.join(" ", args))
        .contains("--listen-in 172.30.0.0/16")
        .contains("--run-id run-1")
        .contains("--credentials-file " + ProxyContainer.CREDENTIALS)
        .contains("--ready-file " + ProxyContainer.READY)
        .contains("--usage-file " + ProxyContainer.USAGE)
        .contains("--audit-log " + ProxyContainer.AUDIT)
        .contains("--allow-host registry.example.com")
        .contains("--route api.anthropic.com=172.17.0.1:8443")
        .contains("--allow-web-search")
        .contains("--max-budget-usd 1.50")
        .contains("--max-requests 7")
        .contains("--model-family claude-sonnet")
        .contains("--max-output-tokens 4096")
        .doesNotContain(TOKEN)
        .doesNotContain(GITHUB)
        .doesNotContain("zerocred_placeholder_");
    assertThat(args).containsSequence("--allow-endpoint", "GET /v1/models");
  }

  @Test
  void withoutAnAuditLog_noneIsWrittenInTheContainer() {
    ProxyConfig bare =
        ProxyConfig.builder()
            .credential(Credential.anthropic(TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
            .build();
    assertThat(ProxyContainer.arguments(bare, "r", "10.0.0.0/24"))
        .doesNotContain("--audit-log", "--upstream-ca", "--allow-host");
  }

  @Test
  void credentialsFile_namesEachCredentialByTheVariableTheProxyReads() {
    String file =
        new String(ProxyContainer.credentialsFile(config().credentials()), StandardCharsets.UTF_8);
    assertThat(file)
        .isEqualTo("CLAUDE_CODE_OAUTH_TOKEN=" + TOKEN + "\nGITHUB_TOKEN=" + GITHUB + "\n");
  }

  @Test
  void gitHubTokenForAnotherHost_isRefused_withoutItsValue() {
    Credential enterprise =
        Credential.github(GITHUB, "GITHUB_TOKEN", "api.github.example.com", "github.example.com");
    assertThatThrownBy(() -> ProxyContainer.credentialsFile(List.of(enterprise)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("proxyPlacement host")
        .message()
        .doesNotContain(GITHUB);
  }

  @Test
  void placement_auto_picksTheContainerForATcpEngineOnly() {
    assertThat(ProxyPlacement.AUTO.inContainer("tcp://10.1.2.3:2376")).isTrue();
    assertThat(ProxyPlacement.AUTO.inContainer("TCP://build-host:2376")).isTrue();
    assertThat(ProxyPlacement.AUTO.inContainer("unix:///var/run/docker.sock")).isFalse();
    assertThat(ProxyPlacement.HOST.inContainer("tcp://10.1.2.3:2376")).isFalse();
    assertThat(ProxyPlacement.CONTAINER.inContainer("unix:///var/run/docker.sock")).isTrue();
  }

  @Test
  void placement_parsesTheUsersWords_andRefusesOthers() {
    assertThat(ProxyPlacement.parse(" Container ")).isEqualTo(ProxyPlacement.CONTAINER);
    assertThatThrownBy(() -> ProxyPlacement.parse("remote"))
        .hasMessage("'remote' is not a proxy placement: use auto, host or container");
  }
}
