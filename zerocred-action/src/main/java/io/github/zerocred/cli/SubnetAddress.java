package io.github.zerocred.cli;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --listen-in}: this machine's own IPv4 address inside a subnet, such as a proxy container's
 * address on the run network it was joined to before it started.
 */
final class SubnetAddress {
  private static final Pattern CIDR = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})/(\\d{1,2})");

  private SubnetAddress() {}

  /**
   * The one address of this machine's interfaces inside {@code cidr}.
   *
   * @throws InvalidConfigurationException when the subnet is malformed, or none or several
   *     addresses lie in it
   */
  static InetAddress ownAddressIn(String cidr) {
    return in(cidr, ownAddresses());
  }

  /** The one address of {@code addresses} inside {@code cidr}. */
  static InetAddress in(String cidr, List<InetAddress> addresses) {
    Matcher m = CIDR.matcher(cidr == null ? "" : cidr.strip());
    int prefix = m.matches() ? Integer.parseInt(m.group(2)) : -1;
    byte[] network = m.matches() ? literal(m.group(1)) : null;
    if (network == null || prefix < 1 || prefix > 32) {
      throw new InvalidConfigurationException(
          "--listen-in " + cidr + " is not an IPv4 subnet such as 172.20.0.0/16");
    }
    List<InetAddress> inside =
        addresses.stream()
            .filter(a -> a instanceof Inet4Address && matches(a.getAddress(), network, prefix))
            .toList();
    if (inside.size() != 1) {
      throw new InvalidConfigurationException(
          "--listen-in "
              + cidr
              + ": this machine has "
              + (inside.isEmpty() ? "no address" : inside.size() + " addresses")
              + " in that subnet; it needs exactly one");
    }
    return inside.get(0);
  }

  private static boolean matches(byte[] address, byte[] network, int prefix) {
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] literal(String dotted) {
    for (String part : dotted.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(dotted).getAddress(); // a dotted literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static List<InetAddress> ownAddresses() {
    try {
      return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).toList();
    } catch (SocketException e) {
      throw new InvalidConfigurationException(
          "--listen-in: cannot list this machine's addresses: " + e.getMessage(), e);
    }
  }
}
