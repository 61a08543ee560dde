package io.github.zerocred.proxy.policy;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.HostNames;
import io.github.zerocred.proxy.ProxyConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The egress rules, decided on the authority the proxy will actually dial: only port 443, only
 * listed names (never IP literals), and a name must not resolve into private space unless a route
 * pins it. Stateless and thread-safe.
 */
public final class EgressPolicy {
  /** The only port a tunnel may go to. */
  public static final int HTTPS_PORT = 443;

  private final Map<String, Credential.Injection> injections = new HashMap<>();
  private final Set<String> allowHosts;
  private final Map<String, InetSocketAddress> routes;

  public EgressPolicy(ProxyConfig config) {
    for (Credential c : config.credentials()) {
      for (Credential.Injection i : c.injections()) {
        injections.put(i.host(), i);
      }
    }
    this.allowHosts = config.allowHosts();
    this.routes = config.routes();
  }

  /** Decides a CONNECT request-target ({@code host:port}); no DNS is consulted here. */
  public ConnectDecision decide(String authority) {
    if (authority == null || authority.isEmpty()) {
      return new ConnectDecision.Refused("", 0, 400, "bad_authority", "CONNECT needs host:port");
    }
    int colon = authority.lastIndexOf(':');
    String rawHost = colon > 0 ? authority.substring(0, colon) : authority;
    int port;
    try {
      port = colon > 0 ? Integer.parseInt(authority.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535 || rawHost.indexOf(']') > 0 && !rawHost.endsWith("]")) {
      return new ConnectDecision.Refused(
          rawHost, Math.max(port, 0), 400, "bad_authority", "CONNECT needs host:port");
    }
    if (HostNames.isIpLiteral(rawHost)) {
      return new ConnectDecision.Refused(
          rawHost, port, 403, "ip_literal", "zerocred allows host names only, not IP addresses");
    }
    String host;
    try {
      host = HostNames.normalise(rawHost);
    } catch (IllegalArgumentException e) {
      return new ConnectDecision.Refused(rawHost, port, 400, "bad_host", "invalid host name");
    }
    if (port != HTTPS_PORT) {
      return new ConnectDecision.Refused(
          host, port, 403, "port_not_allowed", "zerocred allows port 443 only");
    }
    Credential.Injection injection = injections.get(host);
    if (injection == null && !allowHosts.contains(host)) {
      return new ConnectDecision.Refused(
          host, port, 403, "host_not_allowed", host + " is not on this run's allow list");
    }
    return new ConnectDecision.Allowed(
        host, port, Optional.ofNullable(injection), Optional.ofNullable(routes.get(host)));
  }

  /**
   * The address to dial for an allowed target: the route when one pins the host, else the first DNS
   * answer — and only if every answer is public, so a resolver cannot steer us into the private
   * network by answering differently the second time. Blocking: call off the event loop.
   *
   * @throws RefusedException when the name does not resolve or resolves into special space
   */
  public InetSocketAddress resolve(ConnectDecision.Allowed target) throws RefusedException {
    if (target.route().isPresent()) {
      return target.route().get();
    }
    InetAddress[] answers;
    try {
      answers = InetAddress.getAllByName(target.host());
    } catch (UnknownHostException e) {
      throw new RefusedException(502, "dns_failed", target.host() + " does not resolve");
    }
    for (InetAddress a : answers) {
      Optional<String> range = AddressRanges.specialRange(a);
      if (range.isPresent()) {
        throw new RefusedException(
            403,
            "private_address",
            target.host() + " resolves to a " + range.get() + " address; add a route to allow it");
      }
    }
    return new InetSocketAddress(answers[0], target.port());
  }

  /** A refusal found while resolving. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String reason;

    public RefusedException(int status, String reason, String message) {
      super(message);
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    public String reason() {
      return reason;
    }
  }
}
