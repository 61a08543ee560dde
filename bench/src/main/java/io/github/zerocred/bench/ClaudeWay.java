package io.github.zerocred.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * One way the Claude Code CLI reaches the Messages API, and the credential it holds there: the
 * environment added to the clean one the CLI runs in.
 *
 * @param name {@code direct}, {@code zerocred} or {@code mitmproxy}
 * @param env the CLI's API address or proxy, the CA it trusts, its token
 */
record ClaudeWay(String name, Map<String, String> env) {

  /** Straight to the stand-in: the CLI holds the real token. */
  static ClaudeWay direct(String baseUrl, Path ca, String token) {
    return new ClaudeWay(
        "direct",
        Map.of(
            "ANTHROPIC_BASE_URL", baseUrl,
            "NODE_EXTRA_CA_CERTS", ca.toString(),
            "CLAUDE_CODE_OAUTH_TOKEN", token));
  }

  /** Through a proxy: the CLI holds the placeholder and trusts the proxy's CA. */
  static ClaudeWay proxied(String name, String proxyUrl, Path ca, String placeholder) {
    return new ClaudeWay(
        name,
        Map.of(
            "HTTPS_PROXY", proxyUrl,
            "NODE_EXTRA_CA_CERTS", ca.toString(),
            "CLAUDE_CODE_OAUTH_TOKEN", placeholder));
  }
}
