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
  void json_pathsWithQuotesBackslashesAndControlCharacters_parseBackToTheSamePath()
      throws Exception {
    // The paths are the user's: a folder name may hold anything a file system allows.
    String path = "/tmp/a\"b\\c\nd\te\u0001f\u007fg\u2028h\u00e9\ud83d\ude00/ca.pem";
    ReadyFile ready = new ReadyFile("http://zerocred:pw@[::1]:1", path, Map.of(), path, "r");

    JsonNode json = new ObjectMapper().readTree(ready.toJson());

    assertThat(json.get("caCertFile").asText()).isEqualTo(path);
    assertThat(json.get("auditLog").asText()).isEqualTo(path);
    assertThat(json.get("placeholders").size()).isZero();
    assertThat(ready.toJson().lines()).hasSize(7);
  }

  @Test
  void json_isTheIndentedFormItAlwaysHad() {
    assertThat(READY.toJson())
        .isEqualTo(
            "{\n"
                + "  \"proxyUrl\" : \"http://zerocred:pw@127.0.0.1:4242\",\n"
                + "  \"caCertFile\" : \"/run/ca.pem\",\n"
                + "  \"placeholders\" : {\n"
                + "    \"CLAUDE_CODE_OAUTH_TOKEN\" : \"sk-ant-oat01-p\",\n"
                + "    \"GITHUB_TOKEN\" : \"ghp_placeholder\"\n"
                + "  },\n"
                + "  \"auditLog\" : null,\n"
                + "  \"runId\" : \"run-1\"\n"
                + "}\n");
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
