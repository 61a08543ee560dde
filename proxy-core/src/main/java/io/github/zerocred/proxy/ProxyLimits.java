package io.github.zerocred.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds that keep hostile or broken clients from exhausting the proxy.
 *
 * @param maxHeaderBytes largest request line plus headers accepted, in bytes
 * @param maxConcurrentTunnels client connections served at once; more are refused with 503
 * @param connectTimeout time a new client gets to send its CONNECT request, and to dial upstream
 * @param handshakeTimeout time a TLS handshake may take, on either side
 * @param idleTimeout a connection with no traffic either way for this long is closed
 */
public record ProxyLimits(
    int maxHeaderBytes,
    int maxConcurrentTunnels,
    Duration connectTimeout,
    Duration handshakeTimeout,
    Duration idleTimeout) {

  /** Defaults sized for one Claude Code run, and for a devcontainer's worth of tools. */
  public static final ProxyLimits DEFAULTS =
      new ProxyLimits(
          32 * 1024, 2048, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(10));

  public ProxyLimits {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (maxHeaderBytes < 1024) {
      throw new InvalidConfigurationException("maxHeaderBytes must be at least 1024");
    }
    if (maxConcurrentTunnels < 1) {
      throw new InvalidConfigurationException("maxConcurrentTunnels must be positive");
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(handshakeTimeout, "handshakeTimeout");
    requirePositive(idleTimeout, "idleTimeout");
  }

  public ProxyLimits withMaxConcurrentTunnels(int n) {
    return new ProxyLimits(maxHeaderBytes, n, connectTimeout, handshakeTimeout, idleTimeout);
  }

  public ProxyLimits withIdleTimeout(Duration d) {
    return new ProxyLimits(
        maxHeaderBytes, maxConcurrentTunnels, connectTimeout, handshakeTimeout, d);
  }

  public ProxyLimits withHandshakeTimeout(Duration d) {
    return new ProxyLimits(maxHeaderBytes, maxConcurrentTunnels, connectTimeout, d, idleTimeout);
  }

  public ProxyLimits withConnectTimeout(Duration d) {
    return new ProxyLimits(maxHeaderBytes, maxConcurrentTunnels, d, handshakeTimeout, idleTimeout);
  }

  private static void requirePositive(Duration d, String name) {
    if (d.isZero() || d.isNegative()) {
      throw new InvalidConfigurationException(name + " must be positive");
    }
  }
}
