package io.github.zerocred.proxy;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host names in the one canonical form every policy decision compares: lower case, no final dot.
 */
public final class HostNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private HostNames() {}

  /**
   * {@link #normalise(String)} for a host the user configured.
   *
   * @param setting the user's name for the setting, which the message starts with
   * @throws InvalidConfigurationException saying what to fix
   */
  public static String normalise(String host, String setting) {
    try {
      return normalise(host);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(setting + ": " + e.getMessage(), e);
    }
  }

  /**
   * Normalises a DNS name.
   *
   * @throws IllegalArgumentException if it is not a syntactically valid DNS name, or is an IP
   *     literal (policy is about names; an address is never allowed by name)
   */
  public static String normalise(String host) {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host name is empty");
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (isIpLiteral(h)) {
      throw new IllegalArgumentException("'" + host + "' is an IP address, not a host name");
    }
    try {
      h = IDN.toASCII(h, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + host + "' is not a valid host name", e);
    }
    if (h.isEmpty() || h.length() > 253) {
      throw new IllegalArgumentException("'" + host + "' is not a valid host name");
    }
    for (String label : h.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException("'" + host + "' is not a valid host name");
      }
    }
    return h;
  }

  /** Whether the text is an IPv4 or IPv6 literal, bracketed or not. */
  public static boolean isIpLiteral(String host) {
    String h = host;
    if (h.startsWith("[") || h.indexOf(':') >= 0) {
      return true;
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    // All-numeric final label: 127.1, 0x7f.1 and 2130706433 are addresses to most resolvers.
    String last = h.substring(h.lastIndexOf('.') + 1);
    return IPV4.matcher(h).matches()
        || (!last.isEmpty() && last.chars().allMatch(Character::isDigit))
        || last.startsWith("0x");
  }
}
