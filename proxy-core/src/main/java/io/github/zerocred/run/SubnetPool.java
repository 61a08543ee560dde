package io.github.zerocred.run;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IPv4 range zerocred takes its runs' networks from, one small subnet ({@code /28}) per run,
 * instead of Docker's default address pools (which hold about 30 bridge networks and then refuse
 * every further one).
 *
 * <p>The default, {@value #DEFAULT}, lies outside Docker's default pools (172.17.0.0/16 to
 * 172.31.0.0/16 and 192.168.0.0/16) and away from the ranges home and office routers hand out
 * (192.168.x.x, 10.0.x.x, 10.1.x.x, 172.16.x.x); it holds 4096 runs. A machine whose own network
 * uses it sets {@value #ENVIRONMENT_VARIABLE}: the range is a property of the machine and its
 * engine, shared by every zerocred process and front end there, so it is read from the environment
 * like {@code DOCKER_HOST}, not configured per review. Which subnets are free is decided by the
 * engine (see {@link SubnetAllocator}), never remembered here.
 *
 * @param network the pool's first address, as an unsigned 32-bit number
 * @param prefix the pool's prefix length
 */
public record SubnetPool(int network, int prefix) {
  /** Where a machine sets its own pool, such as {@code 10.213.0.0/16}. */
  public static final String ENVIRONMENT_VARIABLE = "ZEROCRED_SUBNET_POOL";

  /** The pool used when {@value #ENVIRONMENT_VARIABLE} is not set. */
  public static final String DEFAULT = "10.213.0.0/16";

  /** Each run's network: 14 addresses, room for the gateway, Claude's container and a proxy. */
  public static final int RUN_PREFIX = 28;

  private static final Pattern CIDR =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

  public SubnetPool {
    if (prefix < 8 || prefix > RUN_PREFIX) {
      throw new IllegalArgumentException("prefix " + prefix);
    }
    if ((network & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException("host bits set");
    }
  }

  /** The default pool. */
  public static SubnetPool defaults() {
    return parse(DEFAULT, ENVIRONMENT_VARIABLE);
  }

  /** The pool {@value #ENVIRONMENT_VARIABLE} names in {@code environment}, else the default. */
  public static SubnetPool fromEnvironment(Map<String, String> environment) {
    String value = environment.get(ENVIRONMENT_VARIABLE);
    return value == null || value.isBlank()
        ? defaults()
        : parse(value.strip(), ENVIRONMENT_VARIABLE);
  }

  /**
   * Parses {@code A.B.C.D/N}, a network of at least 16 addresses (N from 8 to 28) whose host bits
   * are zero.
   *
   * @throws InvalidConfigurationException naming {@code setting}
   */
  public static SubnetPool parse(String text, String setting) {
    Matcher m = CIDR.matcher(Objects.requireNonNull(text, "text"));
    if (!m.matches()) {
      throw invalid(setting, text, "is not an IPv4 network such as " + DEFAULT);
    }
    long parsed = address(m);
    if (parsed < 0) {
      throw invalid(setting, text, "is not an IPv4 network such as " + DEFAULT);
    }
    int address = (int) parsed;
    int prefix = Integer.parseInt(m.group(5));
    if (prefix < 8 || prefix > RUN_PREFIX) {
      throw invalid(
          setting,
          text,
          "must be between a /8 and a /" + RUN_PREFIX + " (each run takes a /" + RUN_PREFIX + ")");
    }
    if ((address & ~mask(prefix)) != 0) {
      throw invalid(
          setting,
          text,
          "has host bits set: did you mean " + format(address & mask(prefix)) + "/" + prefix + "?");
    }
    return new SubnetPool(address, prefix);
  }

  /** The address a {@link #CIDR} match holds, as an unsigned number; -1 for an octet over 255. */
  private static long address(Matcher cidr) {
    long address = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(cidr.group(i));
      if (octet > 255) {
        return -1;
      }
      address = (address << 8) | octet;
    }
    return address;
  }

  private static InvalidConfigurationException invalid(String setting, String text, String why) {
    String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
    return new InvalidConfigurationException(setting + " '" + shown + "' " + why);
  }

  /** How many run networks the pool holds. */
  public int size() {
    return 1 << (RUN_PREFIX - prefix);
  }

  /** The {@code index}th run network of the pool, counting from 0. */
  Subnet subnet(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException(index);
    }
    return new Subnet(network + (index << (32 - RUN_PREFIX)), RUN_PREFIX);
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefix;
  }

  static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  static String format(int address) {
    return ((address >>> 24) & 0xff)
        + "."
        + ((address >>> 16) & 0xff)
        + "."
        + ((address >>> 8) & 0xff)
        + "."
        + (address & 0xff);
  }

  /**
   * An IPv4 network, such as one the engine reports for a network it holds.
   *
   * @param network its first address
   * @param prefix its prefix length
   */
  record Subnet(int network, int prefix) {
    /** Parses {@code A.B.C.D/N} as an engine reports it; empty for IPv6 or anything else. */
    static Optional<Subnet> parse(String text) {
      if (text == null) {
        return Optional.empty();
      }
      Matcher m = CIDR.matcher(text.strip());
      if (!m.matches()) {
        return Optional.empty();
      }
      long address = address(m);
      int prefix = Integer.parseInt(m.group(5));
      if (address < 0 || prefix > 32) {
        return Optional.empty();
      }
      return Optional.of(new Subnet((int) address & mask(prefix), prefix));
    }

    boolean overlaps(Subnet other) {
      int shorter = Math.min(prefix, other.prefix);
      return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    /** The first host address, which zerocred gives the bridge (the run's gateway). */
    String gateway() {
      return format(network + 1);
    }

    @Override
    public String toString() {
      return format(network) + "/" + prefix;
    }
  }
}
