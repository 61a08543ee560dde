package io.github.zerocred.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.zerocred.proxy.ZerocredProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code zerocred proxy} tells whoever waits for it, as the JSON of the ready file.
 *
 * @param proxyUrl {@code http://user:password@host:port}, for {@code HTTPS_PROXY}
 * @param caCertFile the run's CA certificate (PEM), for {@code NODE_EXTRA_CA_CERTS}
 * @param placeholders environment variable name → the placeholder to set it to
 * @param auditLog the audit log's path, or {@code null} when none is written
 * @param runId the run's id, as in the audit log
 */
@JsonPropertyOrder({"proxyUrl", "caCertFile", "placeholders", "auditLog", "runId"})
record ReadyFile(
    String proxyUrl,
    String caCertFile,
    Map<String, String> placeholders,
    String auditLog,
    String runId) {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  ReadyFile {
    Objects.requireNonNull(proxyUrl, "proxyUrl");
    Objects.requireNonNull(caCertFile, "caCertFile");
    // Sorted, so the file reads the same way every run.
    placeholders = new TreeMap<>(placeholders);
    Objects.requireNonNull(runId, "runId");
  }

  static ReadyFile describe(ZerocredProxy proxy, Path caCertFile) {
    return new ReadyFile(
        proxy.proxyUrl(),
        caCertFile.toAbsolutePath().toString(),
        proxy.placeholders(),
        proxy.auditLog().map(p -> p.toAbsolutePath().toString()).orElse(null),
        proxy.runId());
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the ready file", e);
    }
  }

  /**
   * Writes the file so that a reader sees either nothing or all of it: a temporary file next to the
   * target, readable only by this user (it holds the proxy password), renamed into place.
   */
  void writeAtomically(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temp = PrivateFiles.createFile(absolute.getParent(), ".zerocred-ready-", ".tmp");
    try {
      Files.writeString(temp, toJson(), StandardCharsets.UTF_8);
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
