package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.proxy.audit.AuditLog;
import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @Test
  void auditLog_recordsAllowedAndRefusedTraffic_withoutSecrets() throws Exception {
    ProxyFixture f = ProxyFixture.start(r -> StandInResponse.echo());
    String password = f.proxy.proxyPassword();
    String placeholder = f.placeholder();
    try (f) {
      try (TunnelClient c = f.tunnel("api.anthropic.com")) {
        c.get(
            "api.anthropic.com",
            "/v1/messages?beta=true&key=" + placeholder,
            "Authorization: Bearer " + placeholder);
      }
      try (TunnelClient c = TunnelClient.connect(f.proxy.address())) {
        c.connectTunnel("paste.example:443", ProxyFixture.authorization(f.proxy));
      }
      try (TunnelClient c = TunnelClient.connect(f.proxy.address())) {
        c.connectTunnel("api.anthropic.com:443", TunnelClient.basic("zerocred", "guess"));
      }
      f.awaitAudit(3);
    }
    List<String> lines = f.auditLines();
    String all = String.join("\n", lines);
    assertThat(all)
        .doesNotContain(ProxyFixture.OAUTH_TOKEN)
        .doesNotContain(placeholder)
        .doesNotContain(password)
        .doesNotContain("beta=true");

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> records = lines.stream().map(l -> read(json, l)).toList();
    assertThat(records).hasSize(3);
    JsonNode allowed =
        records.stream()
            .filter(r -> r.get("decision").asText().equals("allowed"))
            .findFirst()
            .orElseThrow();
    assertThat(allowed.get("method").asText()).isEqualTo("GET");
    assertThat(allowed.get("host").asText()).isEqualTo("api.anthropic.com");
    assertThat(allowed.get("port").asInt()).isEqualTo(443);
    assertThat(allowed.get("path").asText()).isEqualTo("/v1/messages");
    assertThat(allowed.get("credentialInjected").asBoolean()).isTrue();
    assertThat(allowed.get("status").asInt()).isEqualTo(200);
    assertThat(allowed.get("bytesOut").asLong()).isPositive();
    assertThat(allowed.get("runId").asText()).isEqualTo(f.proxy.runId());
    for (String field : List.of("time", "durationMs", "bytesIn", "reason")) {
      assertThat(allowed.has(field)).as(field).isTrue();
    }
    assertThat(records)
        .extracting(r -> r.get("reason").asText())
        .contains("host_not_allowed", "proxy_auth_invalid");
  }

  /**
   * Under load the audit thread wakes once per batch, not per record: every record still reaches
   * the file and the listener, in order, and close() writes out what is still queued.
   */
  @Test
  void recordsSentFasterThanTheAuditThreadWakes_areAllWritten_andCloseDrainsTheQueue(
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    AtomicInteger delivered = new AtomicInteger();
    AuditLog log =
        new AuditLog(
            Optional.of(file),
            e -> {
              if (e instanceof ProxyEvent.Audited) {
                delivered.incrementAndGet();
              }
            },
            "load");
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      log.record(
          new AuditRecord(
              Instant.now(),
              "load",
              "GET",
              "api.anthropic.com",
              443,
              "/" + i,
              "allowed",
              "credential_host",
              true,
              200,
              0,
              1024,
              0));
    }
    log.close();

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(n);
    assertThat(delivered).hasValue(n);
    ObjectMapper json = new ObjectMapper();
    assertThat(read(json, lines.get(0)).get("path").asText()).isEqualTo("/0");
    assertThat(read(json, lines.get(n - 1)).get("path").asText()).isEqualTo("/" + (n - 1));
  }

  /**
   * The line format is a contract (readers parse audit.jsonl): keys in the record's order, no
   * {@code null} texts. Hostile input: the host and path come from the client; quotes, newlines and
   * control characters in them must stay inside their JSON string, one record per line.
   */
  @Test
  void line_isTheRecordInOrder_nullTextsLeftOut_andHostileTextStaysOnItsLine(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("audit.jsonl");
    String hostile = "/x\"}\n{\"decision\":\"allowed\"}\u0000\u2028\r";
    try (AuditLog log = new AuditLog(Optional.of(file), e -> {}, "r1")) {
      log.record(
          new AuditRecord(
              Instant.parse("2026-12-02T10:15:30.120Z"),
              "r1",
              "CONNECT",
              "example.com",
              443,
              null,
              "denied",
              "host_not_allowed",
              false,
              403,
              0,
              0,
              2));
      log.record(
          new AuditRecord(
              Instant.parse("2026-12-02T10:15:31Z"),
              "r1",
              "POST",
              "api.anthropic.com",
              443,
              hostile,
              "allowed",
              null,
              true,
              200,
              12,
              3456789012L,
              40));
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .isEqualTo(
            "{\"time\":\"2026-12-02T10:15:30.120Z\",\"runId\":\"r1\",\"method\":\"CONNECT\","
                + "\"host\":\"example.com\",\"port\":443,\"decision\":\"denied\","
                + "\"reason\":\"host_not_allowed\",\"credentialInjected\":false,\"status\":403,"
                + "\"bytesIn\":0,\"bytesOut\":0,\"durationMs\":2}");
    JsonNode second = read(new ObjectMapper(), lines.get(1));
    assertThat(second.get("path").asText()).isEqualTo(hostile);
    assertThat(second.get("decision").asText()).isEqualTo("allowed");
    assertThat(second.has("reason")).isFalse();
    assertThat(second.get("bytesOut").asLong()).isEqualTo(3456789012L);
    assertThat(second.get("time").asText()).isEqualTo("2026-12-02T10:15:31Z");
  }

  private static JsonNode read(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
