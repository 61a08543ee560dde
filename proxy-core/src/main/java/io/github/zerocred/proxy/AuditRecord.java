package io.github.zerocred.proxy;

import java.time.Instant;

/**
 * One line of the audit log: a request inside an intercepted tunnel, a whole pass-through tunnel,
 * or a refused connection. Never a credential, a placeholder, a query string or a body.
 *
 * @param time when the request or connection started
 * @param runId the proxy run it belongs to
 * @param method HTTP method, {@code CONNECT} for tunnel-level records
 * @param host the authority dialed (or asked for, when refused)
 * @param port its port
 * @param path the request path without query string; {@code null} for tunnel-level records
 * @param decision {@code allowed} or {@code denied}
 * @param reason why, in a stable machine-readable word (e.g. {@code host_not_allowed})
 * @param credentialInjected whether the real credential was added to this request
 * @param status the HTTP status the client received
 * @param bytesIn body bytes from the client
 * @param bytesOut body bytes to the client
 * @param durationMs from the start of the request to the end of the response
 * @see io.github.zerocred.proxy.audit.AuditLog the JSON Lines encoding, keys in this order
 */
public record AuditRecord(
    Instant time,
    String runId,
    String method,
    String host,
    int port,
    String path,
    String decision,
    String reason,
    boolean credentialInjected,
    int status,
    long bytesIn,
    long bytesOut,
    long durationMs) {

  public static final String ALLOWED = "allowed";
  public static final String DENIED = "denied";

  /** Whether the proxy let this through. */
  public boolean allowed() {
    return ALLOWED.equals(decision);
  }
}
