package io.github.zerocred.proxy.tls;

/**
 * Which TLS stack the proxy uses on both sides (the leaves it presents to clients and its
 * connections upstream). Both give the same guarantees: the same protocols, the same trust anchors,
 * hostname verification upstream.
 */
public enum TlsImplementation {
  /** BoringSSL when its native library loads on this machine, the JDK's TLS otherwise. */
  AUTO,
  /** BoringSSL, through netty-tcnative; starting fails when the native library cannot load. */
  NATIVE,
  /** The JDK's own TLS (SunJSSE). */
  JDK
}
