package io.github.zerocred.proxy.policy;

import io.github.zerocred.proxy.Credential;
import java.net.InetSocketAddress;
import java.util.Optional;

/** What the proxy does with one CONNECT: refuse it, tunnel it untouched, or intercept it. */
public sealed interface ConnectDecision {

  /** The authority the client asked for, normalised as far as it could be. */
  String host();

  int port();

  /** Refused before any byte goes upstream. */
  record Refused(String host, int port, int status, String reason, String message)
      implements ConnectDecision {}

  /** Allowed: pass-through when {@code injection} is empty, intercept and inject otherwise. */
  record Allowed(
      String host,
      int port,
      Optional<Credential.Injection> injection,
      Optional<InetSocketAddress> route)
      implements ConnectDecision {
    public boolean intercept() {
      return injection.isPresent();
    }
  }
}
