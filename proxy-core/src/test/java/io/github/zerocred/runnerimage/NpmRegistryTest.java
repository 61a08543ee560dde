package io.github.zerocred.runnerimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmRegistryTest {
  @TempDir Path home;

  /** An environment with no npm on the PATH and an empty home. */
  private Map<String, String> bare() {
    return Map.of("HOME", home.toString(), "PATH", home.resolve("no-bin").toString());
  }

  @Test
  void theSetting_winsOverNpmsConfiguration() {
    Map<String, String> env =
        Map.of("NPM_CONFIG_REGISTRY", "https://from-env.example/", "HOME", home.toString());
    assertThat(NpmRegistry.resolve("https://mirror.example/npm", "npmRegistry", env))
        .hasToString("https://mirror.example/npm/");
  }

  @Test
  void theEnvironment_isRead_inEitherSpelling() {
    assertThat(
            NpmRegistry.resolve(
                null, "npmRegistry", Map.of("npm_config_registry", "http://127.0.0.1:4873")))
        .hasToString("http://127.0.0.1:4873/");
    assertThat(
            NpmRegistry.resolve(
                null, "npmRegistry", Map.of("NPM_CONFIG_REGISTRY", "https://a.example/x/")))
        .hasToString("https://a.example/x/");
  }

  @Test
  void theUsersNpmrc_isRead_withItsVariablesExpanded() throws IOException {
    Files.writeString(
        home.resolve(".npmrc"),
        "; a comment\nfund=false\nregistry=https://${MIRROR_HOST}/npm/\n//x/:_authToken=t\n");
    Map<String, String> env =
        Map.of(
            "HOME",
            home.toString(),
            "PATH",
            home.resolve("no-bin").toString(),
            "MIRROR_HOST",
            "npm.corp.example");
    assertThat(NpmRegistry.resolve(null, "--npm-registry", env))
        .hasToString("https://npm.corp.example/npm/");
  }

  @Test
  void nothingConfigured_saysWhatToSet_inTheFrontEndsWords() {
    assertThatThrownBy(() -> NpmRegistry.resolve(null, "npm_registry", bare()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("set npm_registry")
        .hasMessageContaining("NPM_CONFIG_REGISTRY")
        .hasMessageContaining(".npmrc");
  }

  @Test
  void aRegistryUrlWithCredentials_isRefused_withoutShowingThem() {
    assertThatThrownBy(
            () -> NpmRegistry.resolve("https://user:s3cret@npm.example/", "npmRegistry", bare()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("holds credentials")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void otherSchemesAndShapes_areRefused() {
    for (String bad :
        new String[] {
          "file:///etc/passwd",
          "ftp://x.example/",
          "npm.example",
          "https://",
          "https://x.example/?a=b"
        }) {
      assertThatThrownBy(() -> NpmRegistry.resolve(bad, "npmRegistry", bare()))
          .as(bad)
          .isInstanceOf(InvalidConfigurationException.class);
    }
  }
}
