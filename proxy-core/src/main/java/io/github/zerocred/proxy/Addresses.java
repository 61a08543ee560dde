package io.github.zerocred.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses {@code IP:PORT} the same way wherever a user types one. */
final class Addresses {
  private Addresses() {}

  static InetSocketAddress parseSocketAddress(String text, String option) {
    if (text == null || text.isBlank()) {
      throw new InvalidConfigurationException(option + " needs IP:PORT");
    }
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new InvalidConfigurationException(option + " needs IP:PORT, got '" + t + "'");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new InvalidConfigurationException(option + ": '" + t + "' has no numeric port", e);
    }
    if (port < 0 || port > 65535) {
      throw new InvalidConfigurationException(option + ": port " + port + " is out of range");
    }
    if (!HostNames.isIpLiteral(host)) {
      throw new InvalidConfigurationException(
          option + " takes an IP address, not a name: '" + host + "'");
    }
    try {
      // An IP literal: getByName parses it without any DNS lookup.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new InvalidConfigurationException(option + ": '" + host + "' is not an IP address", e);
    }
  }
}
