package io.github.zerocred.cli;

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
 * <p>Written by hand rather than with Jackson: the ready file is what a start is timed to, and
 * Jackson's data binding is several hundred classes a cold JVM would load and initialise before it
 * (issue 14). The values are strings the proxy made (URL, run id, placeholders) and paths the user
 * chose, which may hold any character: {@link #string} escapes what JSON requires.
 *
 * @param proxyUrl {@code http://user:password@host:port}, for {@code HTTPS_PROXY}
 * @param caCertFile the run's CA certificate (PEM), for {@code NODE_EXTRA_CA_CERTS}
 * @param placeholders environment variable name → the placeholder to set it to
 * @param auditLog the audit log's path, or {@code null} when none is written
 * @param runId the run's id, as in the audit log
 */
record ReadyFile(
    String proxyUrl,
    String caCertFile,
    Map<String, String> placeholders,
    String auditLog,
    String runId) {

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
    StringBuilder json = new StringBuilder(512);
    json.append("{\n  \"proxyUrl\" : ").append(string(proxyUrl));
    json.append(",\n  \"caCertFile\" : ").append(string(caCertFile));
    json.append(",\n  \"placeholders\" : {");
    String separator = "\n";
    for (Map.Entry<String, String> p : placeholders.entrySet()) {
      json.append(separator).append("    ").append(string(p.getKey()));
      json.append(" : ").append(string(p.getValue()));
      separator = ",\n";
    }
    json.append(placeholders.isEmpty() ? "}" : "\n  }");
    json.append(",\n  \"auditLog\" : ").append(auditLog == null ? "null" : string(auditLog));
    json.append(",\n  \"runId\" : ").append(string(runId));
    return json.append("\n}\n").toString();
  }

  /** A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259). */
  static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            // Control characters must be escaped; the rest is escaped so no reader mistakes a
            // path for a line break.
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
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
