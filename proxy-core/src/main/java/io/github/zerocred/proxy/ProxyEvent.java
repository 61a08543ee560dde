package io.github.zerocred.proxy;

import java.net.InetSocketAddress;

/** Something the proxy did, for a front end to show; the core itself never prints. */
public sealed interface ProxyEvent {

  /** The proxy is listening. */
  record Started(String runId, InetSocketAddress address) implements ProxyEvent {}

  /** A request, tunnel or refusal was recorded in the audit log. */
  record Audited(AuditRecord record) implements ProxyEvent {}

  /** Something went wrong that did not stop the proxy, such as a failing audit log. */
  record Warning(String message) implements ProxyEvent {}

  /** The proxy stopped and released everything it held. */
  record Stopped(String runId) implements ProxyEvent {}
}
