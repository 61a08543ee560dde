package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ready file's JSON and how it is written. */
class ReadyFileTest {
  private static final ReadyFile READY =
      new ReadyFile(
          "http://zerocred:pw@127.0.0.1:4242",
          "/run/ca.pem",
          Map.of("GITHUB_TOKEN", "ghp_placeholder", "CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-p"),
          null,
          "run-1");

  @TempDir Path work;

  @Test
  void json_hasTheContractFields_withANullAuditLogSpelledOut() throws Exception {
    JsonNode json = new ObjectMapper().readTree(READY.toJson());

    assertThat(json.get("proxyUrl").asText()).isEqualTo("http://zerocred:pw@127.0.0.1:4242");
    assertThat(json.get("caCertFile").asText()).isEqualTo("/run/ca.pem");
    assertThat(json.get("placeholders").get("CLAUDE_CODE_OAUTH_TOKEN").asText())
        .isEqualTo("sk-ant-oat01-p");
    assertThat(json.get("placeholders").get("GITHUB_TOKEN").asText()).isEqualTo("ghp_placeholder");
    assertThat(json.has("auditLog")).isTrue();
    assertThat(json.get("auditLog").isNull()).isTrue();
    assertThat(json.get("runId").asText()).isEqualTo("run-1");
  }

  @Test
  void json_listsPlaceholdersInNameOrder() {
    assertThat(READY.toJson()).containsSubsequence("CLAUDE_CODE_OAUTH_TOKEN", "GITHUB_TOKEN");
  }

  @Test
  void writeAtomically_replacesAnOldFile_isPrivate_andLeavesNoTemporaryFile() throws Exception {
    Path target = work.resolve("ready.json");
    Files.writeString(target, "old");

    READY.writeAtomically(target);

    assertThat(target).hasContent(READY.toJson().stripTrailing());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-------");
    try (var files = Files.list(work)) {
      assertThat(files).containsExactly(target);
    }
  }
}
