package io.github.zerocred.proxy;

import io.github.zerocred.proxy.internal.ProxyServer;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A running credential-injecting proxy. Start one with {@link #start(ProxyConfig)}; close it to
 * stop listening, drop every connection and flush the audit log.
 *
 * <pre>{@code
 * try (ZerocredProxy proxy = ZerocredProxy.start(ProxyConfig.builder()
 *     .credentials(Credentials.fromEnvironment(System.getenv()))
 *     .build())) {
 *   env.put("HTTPS_PROXY", proxy.proxyUrl());
 *   env.putAll(proxy.placeholders());
 * }
 * }</pre>
 */
public final class ZerocredProxy implements AutoCloseable {
  private final ProxyServer server;

  private ZerocredProxy(ProxyServer server) {
    this.server = server;
  }

  /**
   * Makes the run's CA, opens the audit log and starts listening.
   *
   * @throws ZerocredException if it cannot listen or open the audit log; nothing is left running
   */
  public static ZerocredProxy start(ProxyConfig config) {
    return new ZerocredProxy(ProxyServer.start(config));
  }

  public String runId() {
    return server.config().runId();
  }

  /** The address the proxy listens on, with the port actually bound. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** {@code http://zerocred:PASSWORD@HOST:PORT}: what the container gets as {@code HTTPS_PROXY}. */
  public String proxyUrl() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    if (a.getAddress() instanceof Inet6Address) {
      int zone = host.indexOf('%');
      host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
    }
    return "http://" + ProxyServer.USER + ":" + server.password() + "@" + host + ":" + a.getPort();
  }

  /** The proxy URL as a URI. */
  public URI proxyUri() {
    return URI.create(proxyUrl());
  }

  /** The proxy user name. */
  public String proxyUser() {
    return ProxyServer.USER;
  }

  /** This run's proxy password: a secret for the container, never the real credential. */
  public String proxyPassword() {
    return server.password();
  }

  /** The run's CA certificate in PEM, for {@code NODE_EXTRA_CA_CERTS}. */
  public String caCertificatePem() {
    return server.ca().certificatePem();
  }

  /** Environment variable → placeholder: what the container gets instead of the credentials. */
  public Map<String, String> placeholders() {
    Map<String, String> map = new LinkedHashMap<>();
    for (Credential c : server.config().credentials()) {
      map.put(c.variable(), c.placeholder());
    }
    return Map.copyOf(map);
  }

  /** Where the audit log is written, if anywhere. */
  public Optional<java.nio.file.Path> auditLog() {
    return server.config().auditLog();
  }

  /**
   * The run's spend and Messages calls as the proxy measured them from the responses' usage, and
   * whether it refused calls over the budget or the request cap.
   */
  public ProxyUsage usage() {
    return server.usage();
  }

  /** Client connections open right now. */
  public int openConnections() {
    return server.openConnections();
  }

  /** The TLS stack in use on both sides, e.g. {@code BoringSSL (native, netty-tcnative)}. */
  public String tlsProvider() {
    return server.tlsProvider();
  }

  @Override
  public void close() {
    server.close();
  }
}
