package io.github.zerocred.proxy;

/**
 * Receives proxy events. Called from the proxy's audit thread, never from a network thread, so a
 * slow listener delays the audit log but never the traffic.
 */
@FunctionalInterface
public interface ProxyListener {
  /** A listener that ignores everything. */
  ProxyListener NONE = event -> {};

  void onEvent(ProxyEvent event);
}
