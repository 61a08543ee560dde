package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import java.util.List;
import org.junit.jupiter.api.Test;

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

  private static JsonNode read(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
