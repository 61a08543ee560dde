package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive upload on a local socket, against a stand-in engine on a socket of its own. */
class EngineSocketTest {
  private static final String ID = "0123456789ab".repeat(5) + "cdef";

  @TempDir Path dir;

  @Test
  void archive_goesInOnePutWithItsLength_andTheWholeFileIsTheBody() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(1).nextBytes(content);
    Path tar = Files.write(dir.resolve("a.tar"), content);
    CompletableFuture<byte[]> received = engine("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

    EngineSocket.putArchive(dir.resolve("engine.sock"), ID, tar);

    byte[] request = received.get(30, TimeUnit.SECONDS);
    String text = new String(request, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n") + 4;
    assertThat(text)
        .startsWith("PUT /containers/" + ID + "/archive?path=%2F HTTP/1.1\r\n")
        .contains("Content-Length: " + content.length + "\r\n");
    byte[] body = new byte[request.length - end];
    System.arraycopy(request, end, body, 0, body.length);
    assertThat(body).isEqualTo(content);
  }

  @Test
  void anEngineRefusal_isAnErrorWithItsMessageOnOneLine() throws Exception {
    Path tar = Files.write(dir.resolve("a.tar"), new byte[1024]);
    engine(
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n"
            + "{\"message\":\"No such container\"}\n::error::x\r\n");

    assertThatThrownBy(() -> EngineSocket.putArchive(dir.resolve("engine.sock"), ID, tar))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("404")
        .hasMessageContaining("No such container")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aHugeAnswer_isReadOnlyUpToTheBound() throws Exception {
    Path tar = Files.write(dir.resolve("a.tar"), new byte[10]);
    engine("HTTP/1.1 500 Oops\r\n\r\n" + "x".repeat(EngineSocket.MAX_RESPONSE_BYTES * 4));

    assertThatThrownBy(() -> EngineSocket.putArchive(dir.resolve("engine.sock"), ID, tar))
        .hasMessageContaining("500")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000));
  }

  @Test
  void anEngineThatRefusesBeforeTheBodyIsSent_isReportedWithItsAnswer() throws Exception {
    Path tar = Files.write(dir.resolve("a.tar"), new byte[32 * 1024 * 1024]);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("engine.sock")));
    CompletableFuture.runAsync(
        () -> {
          try (server;
              SocketChannel client = server.accept()) {
            client.read(ByteBuffer.allocate(1024));
            client.write(
                ByteBuffer.wrap(
                    "HTTP/1.1 404 Not Found\r\n\r\n{\"message\":\"No such container\"}"
                        .getBytes(StandardCharsets.UTF_8)));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });

    assertThatThrownBy(() -> EngineSocket.putArchive(dir.resolve("engine.sock"), ID, tar))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("404");
  }

  @Test
  void onlyAUnixEngine_goesThroughTheSocket() {
    assertThat(EngineSocket.localSocket("unix:///var/run/docker.sock"))
        .isEqualTo(Path.of("/var/run/docker.sock"));
    assertThat(EngineSocket.localSocket("tcp://10.0.0.1:2376")).isNull();
    assertThat(EngineSocket.localSocket("npipe:////./pipe/docker_engine")).isNull();
  }

  @Test
  void somethingThatIsNotAContainerId_isNeverPutIntoTheRequest() throws Exception {
    Path tar = Files.write(dir.resolve("a.tar"), new byte[10]);

    assertThatThrownBy(
            () ->
                EngineSocket.putArchive(
                    dir.resolve("engine.sock"), "x/../../images/create?fromImage=evil", tar))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a container id");
  }

  /** A one-request engine: reads the request whole (up to its length), then answers. */
  private CompletableFuture<byte[]> engine(String answer) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("engine.sock")));
    return CompletableFuture.supplyAsync(
        () -> {
          try (server;
              SocketChannel client = server.accept()) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long expected = -1;
            while (expected < 0 || request.size() < expected) {
              buffer.clear();
              if (client.read(buffer) < 0) {
                break;
              }
              request.write(buffer.array(), 0, buffer.position());
              String text = request.toString(StandardCharsets.ISO_8859_1);
              int end = text.indexOf("\r\n\r\n");
              if (expected < 0 && end >= 0) {
                int at = text.indexOf("Content-Length: ") + 16;
                long length = Long.parseLong(text.substring(at, text.indexOf("\r\n", at)));
                expected = end + 4 + length;
              }
            }
            ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
              client.write(out);
            }
            return request.toByteArray();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
