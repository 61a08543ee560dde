package io.github.zerocred.proxy.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Says whether an address is somewhere a name on the public internet has no business resolving to:
 * loopback, private, link-local, unique-local, CGNAT and the other special ranges. A DNS answer
 * into one of these is how a container would reach the host's or the cloud's internal services.
 */
public final class AddressRanges {
  private record Range(byte[] network, int prefix, String name) {}

  private static final Range[] V4 = {
    v4("0.0.0.0", 8, "unspecified"),
    v4("10.0.0.0", 8, "private"),
    v4("100.64.0.0", 10, "carrier-grade NAT"),
    v4("127.0.0.0", 8, "loopback"),
    v4("169.254.0.0", 16, "link-local"),
    v4("172.16.0.0", 12, "private"),
    v4("192.0.0.0", 24, "IETF protocol assignments"),
    v4("192.0.2.0", 24, "documentation"),
    v4("192.168.0.0", 16, "private"),
    v4("198.18.0.0", 15, "benchmarking"),
    v4("198.51.100.0", 24, "documentation"),
    v4("203.0.113.0", 24, "documentation"),
    v4("224.0.0.0", 4, "multicast"),
    v4("240.0.0.0", 4, "reserved"),
  };

  private AddressRanges() {}

  /** The name of the special range the address is in, or empty for a public address. */
  public static Optional<String> specialRange(InetAddress address) {
    if (address instanceof Inet4Address) {
      return v4Range(address.getAddress());
    }
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      if (address.isLoopbackAddress()) {
        return Optional.of("loopback");
      }
      if (address.isAnyLocalAddress()) {
        return Optional.of("unspecified");
      }
      if (address.isLinkLocalAddress()) {
        return Optional.of("link-local");
      }
      if (address.isSiteLocalAddress()) {
        return Optional.of("site-local");
      }
      if (address.isMulticastAddress()) {
        return Optional.of("multicast");
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return Optional.of("unique-local");
      }
      if (isV4Embedded(b)) {
        // ::ffff:10.0.0.1 and friends reach the embedded IPv4 address.
        byte[] v4 = {b[12], b[13], b[14], b[15]};
        Optional<String> embedded = v4Range(v4);
        return embedded.isPresent() ? embedded : Optional.empty();
      }
      if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
        return Optional.of("documentation");
      }
      return Optional.empty();
    }
    return Optional.of("unknown address family");
  }

  private static boolean isV4Embedded(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        // NAT64 64:ff9b::/96 also embeds IPv4.
        return b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
      }
    }
    return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
  }

  private static Optional<String> v4Range(byte[] a) {
    for (Range r : V4) {
      if (matches(a, r.network, r.prefix)) {
        return Optional.of(r.name);
      }
    }
    if ((a[0] & 0xff) == 255 && (a[1] & 0xff) == 255 && (a[2] & 0xff) == 255) {
      return Optional.of("broadcast");
    }
    return Optional.empty();
  }

  private static boolean matches(byte[] address, byte[] network, int prefix) {
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  private static Range v4(String network, int prefix, String name) {
    try {
      return new Range(InetAddress.getByName(network).getAddress(), prefix, name);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
