package io.github.zerocred.bench;

import java.net.InetSocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * One of the three ways a client reaches the upstream.
 *
 * @param name {@code direct}, {@code zerocred} or {@code mitmproxy}
 * @param dial where the client's TCP connection goes: the upstream itself, or the proxy
 * @param proxyAuthorization the {@code Proxy-Authorization} value for CONNECT; {@code null} when
 *     direct
 * @param trust the client's TLS trust: the upstream's CA when direct, else the proxy's CA
 * @param authorization the {@code Authorization} the client sends: the real token when direct (the
 *     client holds it), the placeholder through a proxy (the proxy swaps it)
 */
record Way(
    String name,
    InetSocketAddress dial,
    String proxyAuthorization,
    SSLContext trust,
    String authorization) {

  Way {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dial, "dial");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(authorization, "authorization");
  }

  boolean proxied() {
    return proxyAuthorization != null;
  }
}
