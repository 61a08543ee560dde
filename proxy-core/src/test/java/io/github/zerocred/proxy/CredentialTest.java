package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialTest {

  @Test
  void oauthToken_isBearer_evenFromTheApiKeyVariable() {
    Credential c = Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "ANTHROPIC_API_KEY");
    assertThat(c.kind()).isEqualTo(Credential.Kind.ANTHROPIC_OAUTH_TOKEN);
    assertThat(c.injections().get(0).headerName()).isEqualTo("authorization");
    assertThat(c.injections().get(0).headerValue().reveal())
        .isEqualTo("Bearer " + ProxyFixture.OAUTH_TOKEN);
    assertThat(c.variable()).isEqualTo("CLAUDE_CODE_OAUTH_TOKEN");
  }

  @Test
  void apiKey_isXApiKey() {
    Credential c = Credential.anthropic(ProxyFixture.API_KEY, "ANTHROPIC_API_KEY");
    assertThat(c.kind()).isEqualTo(Credential.Kind.ANTHROPIC_API_KEY);
    assertThat(c.injections().get(0).headerName()).isEqualTo("x-api-key");
  }

  @Test
  void placeholder_keepsPrefixAndLength_butNeverTheSecret() {
    Credential c = Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "X");
    assertThat(c.placeholder())
        .startsWith("sk-ant-oat01-zerocred_placeholder_")
        .hasSameSizeAs(ProxyFixture.OAUTH_TOKEN)
        .isNotEqualTo(ProxyFixture.OAUTH_TOKEN);
    assertThat(Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "X").placeholder())
        .isNotEqualTo(c.placeholder());
  }

  @Test
  void malformedToken_namesTheVariable_andNeverEchoesTheValue() {
    String bad = "sk-ant-xyz01-" + "q".repeat(40);
    assertThatThrownBy(() -> Credential.anthropic(bad, "CLAUDE_CODE_OAUTH_TOKEN"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN")
        .hasMessageNotContaining(bad);
    String withNewline = ProxyFixture.OAUTH_TOKEN.substring(0, 30) + "\n" + "x".repeat(10);
    assertThatThrownBy(() -> Credential.anthropic(withNewline, "CLAUDE_CODE_OAUTH_TOKEN"))
        .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN")
        .hasMessageNotContaining(ProxyFixture.OAUTH_TOKEN.substring(13, 30));
  }

  @Test
  void environment_withoutCredential_saysWhatToSet() {
    assertThatThrownBy(() -> Credentials.fromEnvironment(Map.of()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN")
        .hasMessageContaining("ANTHROPIC_API_KEY")
        .hasMessageContaining("claude setup-token");
  }

  @Test
  void environment_withBothAnthropicVariables_isRefused() {
    assertThatThrownBy(
            () ->
                Credentials.fromEnvironment(
                    Map.of(
                        "CLAUDE_CODE_OAUTH_TOKEN", ProxyFixture.OAUTH_TOKEN,
                        "ANTHROPIC_API_KEY", ProxyFixture.API_KEY)))
        .hasMessageContaining("only one");
  }

  @Test
  void environment_withGithubToken_addsItsTwoHosts() {
    var list =
        Credentials.fromEnvironment(
            Map.of(
                "CLAUDE_CODE_OAUTH_TOKEN", ProxyFixture.OAUTH_TOKEN,
                "GITHUB_TOKEN", ProxyFixture.GITHUB_TOKEN));
    assertThat(list).hasSize(2);
    assertThat(list.get(1).injections())
        .extracting(Credential.Injection::host)
        .containsExactly("api.github.com", "github.com");
    assertThat(list.get(1).redactions()).hasSize(2);
  }

  @Test
  void secrets_neverPrint() {
    Credential c = Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "X");
    assertThat(c.toString()).doesNotContain(ProxyFixture.OAUTH_TOKEN);
    assertThat(c.secret().toString()).isEqualTo("****");
    assertThat(c.injections().get(0).toString()).doesNotContain(ProxyFixture.OAUTH_TOKEN);
  }
}
