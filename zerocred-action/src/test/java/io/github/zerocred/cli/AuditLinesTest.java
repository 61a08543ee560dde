package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.AuditRecord;
import io.github.zerocred.proxy.ProxyEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The terminal lines for proxy events. */
class AuditLinesTest {
  private static final AuditRecord ALLOWED =
      new AuditRecord(
          Instant.EPOCH,
          "run",
          "POST",
          "api.anthropic.com",
          443,
          "/v1/messages",
          "allowed",
          null,
          true,
          200,
          10,
          20,
          30);
  private static final AuditRecord DENIED =
      new AuditRecord(
          Instant.EPOCH,
          "run",
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
          1);

  @Test
  void format_saysWhatHappened() {
    assertThat(AuditLines.format(ALLOWED))
        .isEqualTo(
            "POST api.anthropic.com:443/v1/messages allowed (credential injected), 200, 10 B in, 20 B out, 30 ms");
    assertThat(AuditLines.format(DENIED))
        .isEqualTo("CONNECT example.com:443 denied (host_not_allowed), 403, 0 B in, 0 B out, 1 ms");
  }

  @Test
  void quiet_showsWarningsOnly_verboseShowsRecordsToo() {
    StringWriter quiet = new StringWriter();
    StringWriter verbose = new StringWriter();
    for (ProxyEvent event :
        new ProxyEvent[] {
          new ProxyEvent.Audited(DENIED), new ProxyEvent.Warning("audit log full")
        }) {
      new AuditLines(new PrintWriter(quiet), false).onEvent(event);
      new AuditLines(new PrintWriter(verbose), true).onEvent(event);
    }

    assertThat(quiet.toString().lines()).containsExactly("zerocred: warning: audit log full");
    assertThat(verbose.toString().lines())
        .containsExactly(
            "zerocred: " + AuditLines.format(DENIED), "zerocred: warning: audit log full");
  }

  @Test
  void tlsStack_isShownOnce_withTheReasonWhenNativeTlsFellBack() {
    StringWriter out = new StringWriter();
    AuditLines lines = new AuditLines(new PrintWriter(out), false);

    lines.onEvent(new ProxyEvent.TlsChosen("BoringSSL (native, netty-tcnative)", Optional.empty()));
    lines.onEvent(
        new ProxyEvent.TlsChosen("JDK (Java 17)", Optional.of("UnsatisfiedLinkError: no library")));

    assertThat(out.toString().lines())
        .containsExactly(
            "zerocred: TLS: BoringSSL (native, netty-tcnative)",
            "zerocred: TLS: JDK (Java 17) (native TLS unavailable: UnsatisfiedLinkError: no library)");
  }
}
