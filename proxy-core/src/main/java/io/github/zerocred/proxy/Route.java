package io.github.zerocred.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A host whose traffic goes to a fixed address while its certificate is still verified against the
 * host's name; parsed the same way in every front end, from {@code HOST=IP:PORT}.
 *
 * @param host the normalised host name
 * @param address an IP literal and a port from 1 (never a name: resolving one would let DNS decide
 *     where the credential goes)
 */
public record Route(String host, InetSocketAddress address) {

  public Route {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(address, "address");
  }

  /**
   * Parses {@code HOST=IP:PORT} ({@code HOST=[v6]:PORT} for IPv6).
   *
   * @param setting the user's name for the setting, which every message starts with
   * @throws InvalidConfigurationException saying what to fix
   */
  public static Route parse(String spec, String setting) {
    int eq = spec == null ? -1 : spec.indexOf('=');
    int colon = spec == null ? -1 : spec.lastIndexOf(':');
    if (eq <= 0 || colon < eq) {
      throw new InvalidConfigurationException(
          setting
              + ": '"
              + spec
              + "' must look like HOST=IP:PORT, e.g. api.anthropic.com=10.0.0.5:443");
    }
    String ip = spec.substring(eq + 1, colon).strip().replace("[", "").replace("]", "");
    if (!HostNames.isIpLiteral(ip)) {
      throw new InvalidConfigurationException(
          setting + ": '" + spec + "' must name an IP address after '=', not a host name");
    }
    int port;
    try {
      port = Integer.parseInt(spec.substring(colon + 1).strip());
    } catch (NumberFormatException e) {
      throw new InvalidConfigurationException(setting + ": '" + spec + "' has no numeric port", e);
    }
    if (port < 1 || port > 65535) {
      throw new InvalidConfigurationException(setting + ": port " + port + " is out of range");
    }
    InetAddress address;
    try {
      // An IP literal: getByName parses it without any DNS lookup.
      address = InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new InvalidConfigurationException(setting + ": '" + ip + "' is not an IP address", e);
    }
    return new Route(
        HostNames.normalise(spec.substring(0, eq), setting), new InetSocketAddress(address, port));
  }
}
