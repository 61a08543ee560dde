package io.github.zerocred.run;

import com.github.dockerjava.api.DockerClient;
import io.github.zerocred.review.UntrustedText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one engine request zerocred makes itself, on the engine's local socket: the copy of an
 * archive into a container, as one {@code PUT /containers/ID/archive} with a {@code
 * Content-Length}, written in 1 MiB pieces from one direct buffer. The client library sends the
 * same body chunked, 4 KB at a time, and the engine hands each chunk to its unpacking process as a
 * read of its own, which made a large copy several times slower. Engines reached over TCP or TLS
 * still go through the client library (its TLS set-up is the one to trust there).
 *
 * <p>Inputs: the archive is zerocred's own file, written and scanned before this runs; the
 * container id is the one the engine gave, and is checked to be one before it goes into a request
 * line. The engine's answer is read bounded and printed only as one inert line.
 */
final class EngineSocket {
  /** An engine's error answer is a line of JSON; anything longer is cut here. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024;

  /** One write to the engine; memory is bounded by it, whatever the archive's size. */
  private static final int WRITE_BYTES = 1024 * 1024;

  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{12,64}");

  private EngineSocket() {}

  /**
   * Unpacks {@code tar} at {@code /} of the container: on a local socket ({@code unix://}) with
   * {@link #putArchive}, elsewhere with the client library.
   */
  static void copyIn(DockerClient docker, String engineHost, String containerId, Path tar) {
    Path socket = localSocket(engineHost);
    try {
      if (socket != null) {
        putArchive(socket, containerId, tar);
        return;
      }
      try (InputStream in = Files.newInputStream(tar)) {
        docker
            .copyArchiveToContainerCmd(containerId)
            .withRemotePath("/")
            .withTarInputStream(in)
            .exec();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy files into the container: " + e.getMessage(), e);
    }
  }

  /** The socket's path for a {@code unix://} engine, else null. */
  static Path localSocket(String engineHost) {
    if (engineHost == null || !engineHost.toLowerCase(Locale.ROOT).startsWith("unix://")) {
      return null;
    }
    String path = URI.create(engineHost).getPath();
    return path == null || path.isEmpty() ? null : Path.of(path);
  }

  /**
   * {@code PUT /containers/ID/archive?path=/} with the file as body.
   *
   * @throws IOException when the engine cannot be reached or refuses, with its message
   */
  static void putArchive(Path socket, String containerId, Path tar) throws IOException {
    if (!CONTAINER_ID.matcher(containerId).matches()) {
      throw new IOException("not a container id: " + containerId.length() + " characters");
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        FileChannel file = FileChannel.open(tar)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      long size = file.size();
      // No API version in the path: the engine answers in its own, as the client library's
      // requests do (see DockerEngine).
      String head =
          "PUT /containers/"
              + containerId
              + "/archive?path=%2F HTTP/1.1\r\n"
              + "Host: docker\r\n"
              + "Content-Type: application/x-tar\r\n"
              + "Content-Length: "
              + size
              + "\r\n"
              + "Connection: close\r\n\r\n";
      ByteBuffer headBytes = ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII));
      while (headBytes.hasRemaining()) {
        channel.write(headBytes);
      }
      // Large writes from a direct buffer. FileChannel.transferTo (sendfile) was tried for this on
      // the reference branch and left for this: the engine reads what arrives, and large writes
      // are what keeps its reads large.
      ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BYTES);
      long sent = 0;
      try {
        while (sent < size) {
          buffer.clear().limit((int) Math.min(WRITE_BYTES, size - sent));
          int read = file.read(buffer, sent);
          if (read <= 0) {
            throw new IOException("the archive shrank while it was being sent");
          }
          buffer.flip();
          while (buffer.hasRemaining()) {
            sent += channel.write(buffer);
          }
        }
      } catch (IOException e) {
        // An engine that refuses early (no such container) answers and closes: its answer says why.
        String early = readResponseQuietly(channel);
        if (early.isEmpty()) {
          throw e;
        }
        throw refusal(early, e);
      }
      String response = readResponse(channel);
      int status = status(response);
      if (status < 200 || status > 299) {
        throw refusal(response, null);
      }
    }
  }

  private static IOException refusal(String response, IOException cause) throws IOException {
    int status = status(response);
    int body = response.indexOf("\r\n\r\n");
    String message = body < 0 ? "" : response.substring(body + 4).strip();
    return new IOException(
        "the engine answered "
            + status
            + (message.isEmpty() ? "" : ": " + UntrustedText.oneLine(message, 500)),
        cause);
  }

  private static String readResponseQuietly(SocketChannel channel) {
    try {
      return readResponse(channel);
    } catch (IOException e) {
      return "";
    }
  }

  /** The response until the engine closes the connection (it was asked to), at most the bound. */
  private static String readResponse(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_RESPONSE_BYTES);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // Read on: a 200 has no body, an error a short one.
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  static int status(String response) throws IOException {
    // "HTTP/1.1 200 OK"
    if (!response.startsWith("HTTP/1.") || response.length() < 12) {
      throw new IOException("the engine's answer is not HTTP");
    }
    try {
      return Integer.parseInt(response.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("the engine's answer has no status");
    }
  }
}
