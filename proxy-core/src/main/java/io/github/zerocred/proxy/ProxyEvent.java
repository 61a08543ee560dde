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

  /**
   * Which TLS stack the run uses on both sides, sent once before {@link Started}.
   *
   * @param provider e.g. {@code BoringSSL (native, netty-tcnative)} or {@code JDK (Java 17)}
   * @param fallbackReason why native TLS could not load, when it was wanted but the JDK's is used
   */
  record TlsChosen(String provider, java.util.Optional<String> fallbackReason)
      implements ProxyEvent {}

  /** The proxy stopped and released everything it held. */
  record Stopped(String runId) implements ProxyEvent {}
}
