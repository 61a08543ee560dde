package io.github.zerocred.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Docker engine "on another machine" for tests: a TLS server on 127.0.0.1 that verifies client
 * certificates against a throwaway CA and forwards each accepted connection, byte for byte, to the
 * engine's unix socket, as {@code dockerd --tlsverify -H tcp://…} would serve it. The running
 * engine is not touched (other tests use it). {@link #start(Path, Path)} writes {@code ca.pem},
 * {@code cert.pem} and {@code key.pem} where {@code DOCKER_CERT_PATH} points, the client's side of
 * the set-up; {@link #environment()} is what a user of a remote engine exports.
 */
public final class TlsEngineForwarder implements AutoCloseable {
  private final SSLServerSocket server;
  private final UnixDomainSocketAddress engine;
  private final Path certDirectory;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final Thread acceptor;

  private TlsEngineForwarder(SSLServerSocket server, Path engineSocket, Path certDirectory) {
    this.server = server;
    this.engine = UnixDomainSocketAddress.of(engineSocket);
    this.certDirectory = certDirectory;
    this.acceptor = new Thread(this::acceptLoop, "tls-engine-forwarder");
    this.acceptor.setDaemon(true);
  }

  /**
   * Generates the CA, a server certificate for 127.0.0.1 and a client certificate, writes the
   * client's files to {@code certDirectory} and starts listening on a free loopback port.
   */
  public static TlsEngineForwarder start(Path engineSocket, Path certDirectory) {
    if (!Files.exists(engineSocket)) {
      throw new IllegalStateException("no Docker engine socket at " + engineSocket);
    }
    TestPki pki = TestPki.create();
    ServerIdentity serverId = pki.issue("127.0.0.1");
    ServerIdentity clientId = pki.issueClient("zerocred-test-client");
    try {
      Files.createDirectories(certDirectory);
      pki.writeCaPem(certDirectory.resolve("ca.pem"));
      Files.writeString(certDirectory.resolve("cert.pem"), clientId.certificatePem());
      Files.writeString(certDirectory.resolve("key.pem"), pkcs8Pem(clientId));

      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = "forwarder".toCharArray();
      keys.setKeyEntry("server", serverId.key(), password, (Certificate[]) serverId.chain());
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", pki.caCertificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());

      SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
      socket.setNeedClientAuth(true); // a client without a certificate of this CA gets nothing
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      TlsEngineForwarder forwarder = new TlsEngineForwarder(socket, engineSocket, certDirectory);
      forwarder.acceptor.start();
      return forwarder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the forwarder's TLS", e);
    }
  }

  private static String pkcs8Pem(ServerIdentity identity) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(identity.key().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  /** {@code tcp://127.0.0.1:PORT}. */
  public String dockerHost() {
    return "tcp://127.0.0.1:" + server.getLocalPort();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} for a client. */
  public Map<String, String> environment() {
    return Map.of(
        "DOCKER_HOST", dockerHost(),
        "DOCKER_TLS_VERIFY", "1",
        "DOCKER_CERT_PATH", certDirectory.toAbsolutePath().toString());
  }

  /** Connections whose client presented a valid certificate and were forwarded. */
  public int served() {
    return served.get();
  }

  /** Connections refused in the TLS handshake (no certificate, or one of another CA). */
  public int refused() {
    return refused.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread t = new Thread(() -> serve((SSLSocket) client), "tls-engine-connection");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SSLSocket client) {
    open.add(client);
    try {
      try {
        client.startHandshake(); // verifies the client's certificate before a byte is forwarded
      } catch (IOException e) {
        refused.incrementAndGet();
        return;
      }
      SocketChannel upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
      open.add(upstream);
      try (upstream) {
        upstream.connect(engine);
        served.incrementAndGet();
        Thread back = new Thread(() -> toClient(upstream, client), "tls-engine-to-client");
        back.setDaemon(true);
        back.start();
        toEngine(client, upstream);
        back.join();
      } finally {
        open.remove(upstream);
      }
    } catch (IOException e) {
      // The client or the engine went away.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
      open.remove(client);
    }
  }

  /*
   * The channel is read and written directly, one thread each way: streams from Channels would
   * serialise both directions on the channel's blocking lock, and a read waiting for the engine
   * would stop the request that the engine waits for. Either side ending closes both: the engine's
   * API needs no half-close.
   */

  private static void toEngine(SSLSocket client, SocketChannel upstream) {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = client.getInputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          upstream.write(chunk);
        }
      }
    } catch (IOException e) {
      // One side closed.
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private static void toClient(SocketChannel upstream, SSLSocket client) {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      OutputStream out = client.getOutputStream();
      while (upstream.read(buffer) >= 0) {
        out.write(buffer.array(), 0, buffer.position());
        out.flush();
        buffer.clear();
      }
    } catch (IOException e) {
      // One side closed.
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Closing what already went away.
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    for (AutoCloseable c : open) {
      closeQuietly(c);
    }
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
