package io.github.zerocred.proxy.policy;

/**
 * Why the proxy answers a request itself instead of forwarding it, in the Anthropic API's error
 * shape so that Claude Code prints something readable.
 *
 * @param status the HTTP status the client gets (always 4xx: the request is wrong, not the proxy)
 * @param errorType the Anthropic error type, e.g. {@code permission_error}
 * @param reason the audit log's machine-readable word, e.g. {@code server_tool_not_allowed}
 * @param message one line for the client; never holds a credential
 */
public record Refusal(int status, String errorType, String reason, String message) {

  static Refusal permission(String reason, String message) {
    return new Refusal(403, "permission_error", reason, message);
  }

  static Refusal invalid(String reason, String message) {
    return new Refusal(400, "invalid_request_error", reason, message);
  }
}
