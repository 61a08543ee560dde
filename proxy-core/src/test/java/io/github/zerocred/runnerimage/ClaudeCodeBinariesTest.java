package io.github.zerocred.runnerimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.run.Cancellation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch and the cache against a registry on loopback that serves what each test needs. */
class ClaudeCodeBinariesTest {
  private static final String VERSION = "2.1.330";
  private static final String METADATA = "/npm/@anthropic-ai/claude-code-linux-x64/" + VERSION;

  @TempDir Path cache;

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<byte[]> metadata = new AtomicReference<>();
  private final AtomicReference<byte[]> tarball = new AtomicReference<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getRawPath();
          requests.add(path);
          byte[] body =
              path.equals(METADATA)
                  ? metadata.get()
                  : path.equals("/npm/t.tgz") ? tarball.get() : null;
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
              o.write(body);
            }
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI registry() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/npm/");
  }

  private void serve(byte[] tgz, String integrity) {
    tarball.set(tgz);
    metadata.set(
        PlatformPackageTest.document(
                "@anthropic-ai/claude-code-linux-x64",
                VERSION,
                registry().resolve("t.tgz").toString(),
                integrity)
            .getBytes(StandardCharsets.UTF_8));
  }

  private Path obtain() throws IOException {
    return ClaudeCodeBinaries.in(cache)
        .obtain(VERSION, "x64", this::registry, progress::add, Cancellation.create());
  }

  @Test
  void aVerifiedBinary_isCached_andTheNextBuildFetchesNothing() throws IOException {
    byte[] tgz = Tarballs.npmPackage().gzip();
    serve(tgz, Tarballs.integrity(tgz));
    Path binary = obtain();
    assertThat(Files.readAllBytes(binary)).isEqualTo(Tarballs.BINARY);
    assertThat(Files.isExecutable(binary)).isTrue();
    assertThat(requests).containsExactly(METADATA, "/npm/t.tgz");

    requests.clear();
    assertThat(obtain()).isEqualTo(binary);
    assertThat(requests).as("served from the cache").isEmpty();
    assertThat(progress).anyMatch(l -> l.contains("from the cache"));
  }

  @Test
  void aTamperedTarball_leavesNothingInTheCache() throws IOException {
    byte[] tgz = Tarballs.npmPackage().gzip();
    byte[] other = Tarballs.npmPackage().file("package/x", new byte[] {1}, 0644).gzip();
    serve(other, Tarballs.integrity(tgz));
    assertThatThrownBy(this::obtain)
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("does not match the sha512");
    try (Stream<Path> files = Files.walk(cache)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void anAlteredCacheEntry_isFetchedAgain() throws IOException {
    byte[] tgz = Tarballs.npmPackage().gzip();
    serve(tgz, Tarballs.integrity(tgz));
    Path binary = obtain();
    Files.write(binary, new byte[] {0x7f, 'E', 'L', 'F', 0}); // swapped behind zerocred's back
    requests.clear();
    assertThat(Files.readAllBytes(obtain())).isEqualTo(Tarballs.BINARY);
    assertThat(requests).containsExactly(METADATA, "/npm/t.tgz");
  }

  @Test
  void anOversizedMetadataDocument_isRefused() {
    byte[] huge = new byte[PlatformPackage.MAX_METADATA_BYTES + 10];
    java.util.Arrays.fill(huge, (byte) ' ');
    metadata.set(huge);
    assertThatThrownBy(this::obtain)
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("larger than");
  }

  @Test
  void anUnknownVersion_saysSo() {
    assertThatThrownBy(this::obtain)
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining(VERSION);
  }

  @Test
  void aHostileVersion_neverReachesTheRegistryOrTheCache() {
    assertThatThrownBy(
            () ->
                ClaudeCodeBinaries.in(cache)
                    .obtain("../../x", "x64", this::registry, progress::add, Cancellation.create()))
        .isInstanceOf(ZerocredException.class);
    assertThat(requests).isEmpty();
  }
}
