package io.github.zerocred.cli;

import io.github.zerocred.proxy.AuditRecord;
import io.github.zerocred.proxy.ProxyEvent;
import io.github.zerocred.proxy.ProxyListener;
import java.io.PrintWriter;

/**
 * Shows proxy events on the terminal: warnings and the TLS stack in use always, one line per audit
 * record with {@code --verbose}. Audit records carry no secret, so printing them is safe.
 */
final class AuditLines implements ProxyListener {
  private final PrintWriter err;
  private final boolean verbose;

  AuditLines(PrintWriter err, boolean verbose) {
    this.err = err;
    this.verbose = verbose;
  }

  @Override
  public void onEvent(ProxyEvent event) {
    if (event instanceof ProxyEvent.Warning warning) {
      print("warning: " + warning.message());
    } else if (event instanceof ProxyEvent.TlsChosen tls) {
      // Once per run. The fallback reason is the JVM's own library error, never attacker text.
      print(
          "TLS: "
              + tls.provider()
              + tls.fallbackReason().map(r -> " (native TLS unavailable: " + r + ")").orElse(""));
    } else if (verbose && event instanceof ProxyEvent.Audited audited) {
      print(format(audited.record()));
    }
  }

  static String format(AuditRecord r) {
    StringBuilder line =
        new StringBuilder()
            .append(r.method())
            .append(' ')
            .append(r.host())
            .append(':')
            .append(r.port());
    if (r.path() != null) {
      line.append(r.path());
    }
    line.append(' ').append(r.decision());
    if (r.reason() != null) {
      line.append(" (").append(r.reason()).append(')');
    } else if (r.credentialInjected()) {
      line.append(" (credential injected)");
    }
    return line.append(", ")
        .append(r.status())
        .append(", ")
        .append(r.bytesIn())
        .append(" B in, ")
        .append(r.bytesOut())
        .append(" B out, ")
        .append(r.durationMs())
        .append(" ms")
        .toString();
  }

  private void print(String message) {
    // Called on the proxy's audit thread while the main thread may print too: one line at a time.
    synchronized (err) {
      err.println("zerocred: " + message);
      err.flush();
    }
  }
}
