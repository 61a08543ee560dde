package io.github.zerocred.run;

import java.util.Locale;

/**
 * Where a run's proxy runs: in this JVM (the engine's bridge reaches this host) or in a container
 * of its own beside Claude Code's (the engine is on another machine, whose networks cannot reach
 * this one).
 */
public enum ProxyPlacement {
  /** A container when the engine is reached over TCP ({@code tcp://}), else this JVM. */
  AUTO,
  /** This JVM, listening on the run network's gateway (or on its own address there). */
  HOST,
  /** A container of the proxy image on the run network, the only one with a route out. */
  CONTAINER;

  /** The setting's value as users write it. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a user's value.
   *
   * @throws IllegalArgumentException when it is none of {@code auto}, {@code host}, {@code
   *     container}
   */
  public static ProxyPlacement parse(String value) {
    for (ProxyPlacement p : values()) {
      if (p.value().equals(value == null ? "" : value.strip().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not a proxy placement: use auto, host or container");
  }

  /**
   * Whether the proxy runs in a container for an engine reached at {@code engineHost} (the URI
   * docker-java connected to). A TCP engine counts as remote: even on this machine, nothing tells
   * that its networks reach this JVM, and a container beside Claude Code's works either way.
   */
  boolean inContainer(String engineHost) {
    return switch (this) {
      case HOST -> false;
      case CONTAINER -> true;
      case AUTO -> overTcp(engineHost);
    };
  }

  /** Whether the engine is reached over TCP: on another machine, as far as zerocred can tell. */
  static boolean overTcp(String engineHost) {
    return engineHost != null && engineHost.toLowerCase(Locale.ROOT).startsWith("tcp://");
  }
}
