package io.github.zerocred.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mints the run's leaves and runs one TLS handshake against each of them in memory, off the network
 * threads, right after the proxy starts. A fresh JVM otherwise spends its first few hundred
 * milliseconds of TLS on class loading and interpretation — exactly when Claude Code sends its
 * first requests — while the container is still starting and the CPU has time to spare.
 */
public final class TlsWarmUp {
  private static final int MAX_STEPS = 200;

  private TlsWarmUp() {}

  /** Warms every host's context; failures are ignored (the real handshake will report them). */
  public static void run(InterceptionTls tls, Set<String> hosts) {
    for (String host : hosts) {
      SSLEngine server = null;
      try {
        server = tls.contextFor(host).newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine client = clientContext(tls.ca()).createSSLEngine(host, 443);
        client.setUseClientMode(true);
        handshake(client, server);
      } catch (GeneralSecurityException | SSLException | RuntimeException e) {
        // Only a warm-up: nothing depends on it.
      } finally {
        // A native engine is reference counted and owned by no SslHandler here.
        ReferenceCountUtil.release(server);
      }
    }
  }

  static SSLContext clientContext(CertificateAuthority ca) throws GeneralSecurityException {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("run-ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** Shuttles records between two engines until both have finished handshaking. */
  static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    int packet =
        Math.max(
            client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
    int app =
        Math.max(
            client.getSession().getApplicationBufferSize(),
            server.getSession().getApplicationBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(packet * 4);
    ByteBuffer toClient = ByteBuffer.allocate(packet * 4);
    ByteBuffer clientApp = ByteBuffer.allocate(app);
    ByteBuffer serverApp = ByteBuffer.allocate(app);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < MAX_STEPS && !(done(client) && done(server)); i++) {
      step(client, toServer, toClient, clientApp);
      step(server, toClient, toServer, serverApp);
    }
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus s = engine.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  private static void step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws SSLException {
    switch (engine.getHandshakeStatus()) {
      case NEED_TASK -> {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
      }
      case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        in.flip();
        engine.unwrap(in, app);
        in.compact();
        app.clear();
      }
      default -> {}
    }
  }
}
