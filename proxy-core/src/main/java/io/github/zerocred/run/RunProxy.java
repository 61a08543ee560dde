package io.github.zerocred.run;

import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.proxy.ZerocredProxy;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What a run needs of its proxy, wherever it runs: in this JVM ({@link #inJvm}) or in a container
 * on the engine ({@link ProxyContainer}). Closing stops it, once; {@link #usage()} is final after.
 */
interface RunProxy extends AutoCloseable {
  /** Where Claude Code's container reaches it. */
  InetSocketAddress address();

  /** {@code http://zerocred:PASSWORD@HOST:PORT} for the container's {@code HTTPS_PROXY}. */
  String proxyUrl();

  /** The run's CA certificate (PEM); its key never leaves the proxy. */
  String caCertificatePem();

  /** Environment variable → placeholder, for Claude Code's container. */
  Map<String, String> placeholders();

  /** What the proxy measured of the Messages traffic (complete once closed). */
  ProxyUsage usage();

  @Override
  void close();

  /** The proxy of this JVM. */
  static RunProxy inJvm(ZerocredProxy proxy) {
    return new RunProxy() {
      @Override
      public InetSocketAddress address() {
        return proxy.address();
      }

      @Override
      public String proxyUrl() {
        return proxy.proxyUrl();
      }

      @Override
      public String caCertificatePem() {
        return proxy.caCertificatePem();
      }

      @Override
      public Map<String, String> placeholders() {
        return proxy.placeholders();
      }

      @Override
      public ProxyUsage usage() {
        return proxy.usage();
      }

      @Override
      public void close() {
        proxy.close();
      }
    };
  }
}
