package io.github.zerocred.maven;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.Map;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Finds the Anthropic credential the Maven way: the {@code settings.xml} server first (its password
 * decrypted as Maven does), else the environment. Never from the POM, never from a property: both
 * end up in logs and in {@code ps}.
 */
final class CredentialLookup {
  /** A credential and, for the log, where it came from (never its value). */
  record Found(Credential credential, String source) {}

  private final Settings settings;
  private final SettingsDecrypter decrypter;
  private final Map<String, String> environment;

  CredentialLookup(
      Settings settings, SettingsDecrypter decrypter, Map<String, String> environment) {
    this.settings = settings;
    this.decrypter = decrypter;
    this.environment = Map.copyOf(environment);
  }

  /**
   * The credential.
   *
   * @throws InvalidConfigurationException saying exactly how to provide one; never the value
   */
  Found find(String serverId) {
    Server server =
        settings == null || serverId == null || serverId.isBlank()
            ? null
            : settings.getServer(serverId.strip());
    if (server != null) {
      return new Found(fromServer(server), "settings.xml server '" + server.getId() + "'");
    }
    boolean anyInEnvironment =
        present(environment.get(Credentials.OAUTH_VARIABLE))
            || present(environment.get(Credentials.API_KEY_VARIABLE));
    if (!anyInEnvironment) {
      throw new InvalidConfigurationException(noCredential(serverId));
    }
    return new Found(Credentials.anthropicFromEnvironment(environment), "the environment");
  }

  private Credential fromServer(Server server) {
    String where = "the <password> of the settings.xml server '" + server.getId() + "'";
    SettingsDecryptionResult result =
        decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    for (SettingsProblem problem : result.getProblems()) {
      if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
        // The decrypter's message says what failed (master password, format), never the value.
        throw new InvalidConfigurationException(
            "Cannot decrypt "
                + where
                + ": "
                + problem.getMessage()
                + ". Check the master password in settings-security.xml (see `mvn"
                + " --encrypt-master-password`), or put the token there unencrypted.");
      }
    }
    Server decrypted = result.getServer() == null ? server : result.getServer();
    String token = decrypted.getPassword();
    if (!present(token)) {
      throw new InvalidConfigurationException(
          "The settings.xml server '"
              + server.getId()
              + "' has no <password>: put the Anthropic token there (sk-ant-oat01-… from `claude"
              + " setup-token`, or an sk-ant-api03-… API key), encrypted with `mvn"
              + " --encrypt-password`.");
    }
    return Credential.anthropic(token, where);
  }

  static String noCredential(String serverId) {
    String id = serverId == null || serverId.isBlank() ? "anthropic" : serverId.strip();
    return "No Anthropic credential for the zerocred review. Provide one of:\n"
        + "  1. a server in ~/.m2/settings.xml (encrypt the token with `mvn --encrypt-password`):\n"
        + "       <server><id>"
        + id
        + "</id><password>sk-ant-oat01-…</password></server>\n"
        + "     (the id is the serverId parameter, zerocred.serverId);\n"
        + "  2. "
        + Credentials.OAUTH_VARIABLE
        + " (made with `claude setup-token`) or "
        + Credentials.API_KEY_VARIABLE
        + " in the environment.\n"
        + "Never put the token in the POM or on the command line.";
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
