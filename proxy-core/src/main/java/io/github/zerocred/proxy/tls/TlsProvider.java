package io.github.zerocred.proxy.tls;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Optional;

/**
 * The TLS stack one proxy run uses, chosen once at start: Netty's {@link SslProvider} plus a
 * description for the one event that says which it is.
 *
 * <p>Native contexts and engines are reference counted ({@link SslProvider#OPENSSL_REFCNT}), so the
 * native memory behind them is freed when the run ends rather than whenever a finalizer runs; the
 * classes that create them release them ({@link InterceptionTls#close()}, {@link
 * UpstreamTls#close()}, {@link io.netty.handler.ssl.SslHandler} for engines).
 *
 * @param provider the Netty provider: {@code OPENSSL_REFCNT} or {@code JDK}
 * @param description what the event and the bench table show, e.g. {@code BoringSSL (native)}
 * @param fallbackReason why {@link TlsImplementation#AUTO} fell back to the JDK, if it did
 */
public record TlsProvider(
    SslProvider provider, String description, Optional<String> fallbackReason) {

  /** The JDK's TLS, chosen on purpose. */
  public static final TlsProvider JDK =
      new TlsProvider(SslProvider.JDK, "JDK (" + jdkName() + ")", Optional.empty());

  /**
   * Resolves what the configuration asked for.
   *
   * @throws InvalidConfigurationException if {@code NATIVE} was asked for and cannot load here
   */
  public static TlsProvider select(TlsImplementation wanted) {
    return switch (wanted) {
      case JDK -> JDK;
      case NATIVE -> {
        if (!nativeAvailable()) {
          throw new InvalidConfigurationException(
              "native TLS was asked for but cannot load on this machine: " + unavailability());
        }
        yield nativeProvider();
      }
      case AUTO ->
          nativeAvailable()
              ? nativeProvider()
              : new TlsProvider(SslProvider.JDK, JDK.description(), Optional.of(unavailability()));
    };
  }

  /** Whether this provider is the native one. */
  public boolean isNative() {
    return provider != SslProvider.JDK;
  }

  private static boolean nativeAvailable() {
    // Loads the library once per JVM (Netty caches the outcome); any failure means "no".
    try {
      return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL_REFCNT);
    } catch (LinkageError e) {
      return false;
    }
  }

  private static TlsProvider nativeProvider() {
    return new TlsProvider(
        SslProvider.OPENSSL_REFCNT,
        OpenSsl.versionString() + " (native, netty-tcnative)",
        Optional.empty());
  }

  private static String unavailability() {
    try {
      Throwable cause = OpenSsl.unavailabilityCause();
      if (cause == null) {
        return "the native library loaded but does not support TLS 1.3";
      }
      String m = cause.getMessage();
      return cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    } catch (LinkageError e) {
      return e.toString();
    }
  }

  private static String jdkName() {
    return "Java " + Runtime.version().feature();
  }
}
