package io.github.zerocred.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;

/** Where the Mojo finds its credential: settings.xml (plain or encrypted), then the environment. */
@MojoTest
class CredentialLookupTest {
  private static final String SECURITY_PROPERTY = "settings.security";
  private static final String OAUTH = "sk-ant-oat01-lookupTest_" + "y".repeat(60) + "AA";
  private static final String API_KEY = "sk-ant-api03-lookupTest_" + "z".repeat(60) + "AA";

  /** Maven's real decrypter, the one the Mojo gets. */
  @Inject SettingsDecrypter decrypter;

  @TempDir Path temp;

  private final Settings settings = new Settings();
  private final String previousSecurity = System.getProperty(SECURITY_PROPERTY);

  @AfterEach
  void restoreSecurityFile() {
    if (previousSecurity == null) {
      System.clearProperty(SECURITY_PROPERTY);
    } else {
      System.setProperty(SECURITY_PROPERTY, previousSecurity);
    }
  }

  private void server(String id, String password) {
    Server server = new Server();
    server.setId(id);
    server.setPassword(password);
    settings.addServer(server);
  }

  private CredentialLookup.Found find(Map<String, String> env, String serverId) {
    return new CredentialLookup(settings, decrypter, env).find(serverId);
  }

  @Test
  void environmentOAuthToken_isUsedWhenNoServerIsConfigured() {
    CredentialLookup.Found found = find(Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH), "anthropic");

    assertThat(found.credential().kind()).isEqualTo(Credential.Kind.ANTHROPIC_OAUTH_TOKEN);
    assertThat(found.credential().secret().reveal()).isEqualTo(OAUTH);
    assertThat(found.source()).isEqualTo("the environment");
  }

  @Test
  void environmentApiKey_isUsedWhenNoServerIsConfigured() {
    CredentialLookup.Found found = find(Map.of("ANTHROPIC_API_KEY", API_KEY), "anthropic");

    assertThat(found.credential().kind()).isEqualTo(Credential.Kind.ANTHROPIC_API_KEY);
  }

  @Test
  void plainSettingsServer_winsOverTheEnvironment() {
    server("anthropic", API_KEY);

    CredentialLookup.Found found = find(Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH), "anthropic");

    assertThat(found.credential().kind()).isEqualTo(Credential.Kind.ANTHROPIC_API_KEY);
    assertThat(found.credential().secret().reveal()).isEqualTo(API_KEY);
    assertThat(found.source()).isEqualTo("settings.xml server 'anthropic'");
  }

  @Test
  void serverId_choosesTheServer() {
    server("anthropic", API_KEY);
    server("team-claude", OAUTH);

    assertThat(find(Map.of(), "team-claude").credential().secret().reveal()).isEqualTo(OAUTH);
  }

  @Test
  void encryptedSettingsPassword_isDecryptedTheMavenWay() throws Exception {
    DefaultPlexusCipher cipher = new DefaultPlexusCipher();
    String master = "master-" + System.nanoTime();
    Path security = temp.resolve("settings-security.xml");
    Files.writeString(
        security,
        "<settingsSecurity><master>"
            + cipher.encryptAndDecorate(master, SECURITY_PROPERTY)
            + "</master></settingsSecurity>\n");
    System.setProperty(SECURITY_PROPERTY, security.toString());
    server("anthropic", cipher.encryptAndDecorate(OAUTH, master));

    CredentialLookup.Found found = find(Map.of(), "anthropic");

    assertThat(found.credential().kind()).isEqualTo(Credential.Kind.ANTHROPIC_OAUTH_TOKEN);
    assertThat(found.credential().secret().reveal()).isEqualTo(OAUTH);
  }

  @Test
  void encryptedPasswordWithoutItsMasterPassword_failsSayingWhatToCheck() throws Exception {
    DefaultPlexusCipher cipher = new DefaultPlexusCipher();
    System.setProperty(SECURITY_PROPERTY, temp.resolve("missing-security.xml").toString());
    server("anthropic", cipher.encryptAndDecorate(OAUTH, "some master"));

    assertThatThrownBy(() -> find(Map.of(), "anthropic"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(
            "Cannot decrypt the <password> of the settings.xml server 'anthropic'")
        .hasMessageContaining("settings-security.xml")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(OAUTH));
  }

  @Test
  void serverWithoutPassword_failsSayingWhereTheTokenGoes() {
    server("anthropic", null);

    assertThatThrownBy(() -> find(Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH), "anthropic"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("The settings.xml server 'anthropic' has no <password>");
  }

  @Test
  void nothingAnywhere_failsListingBothWays() {
    assertThatThrownBy(() -> find(Map.of("CLAUDE_CODE_OAUTH_TOKEN", "  "), "team-claude"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("<server><id>team-claude</id>")
        .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN")
        .hasMessageContaining("ANTHROPIC_API_KEY")
        .hasMessageContaining("Never put the token in the POM");
  }

  @Test
  void bothVariables_failAsTheEnvironmentRuleSays() {
    assertThatThrownBy(
            () -> find(Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH, "ANTHROPIC_API_KEY", API_KEY), "x"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("set only one")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(OAUTH).doesNotContain(API_KEY));
  }
}
