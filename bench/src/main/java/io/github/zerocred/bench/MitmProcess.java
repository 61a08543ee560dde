package io.github.zerocred.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code mitmdump} child process with the equivalent header-injection addon, a fresh CA (its own
 * confdir), proxy authentication, lazy upstream connections and upstream TLS verified against the
 * test CA.
 */
final class MitmProcess implements AutoCloseable {
  static final String USER = "zerocred";

  final Process process;
  final long startToListeningNanos;
  final InetSocketAddress address;
  final String password;
  final Path caCertFile;

  private MitmProcess(
      Process process,
      long startToListeningNanos,
      InetSocketAddress address,
      String password,
      Path caCertFile) {
    this.process = process;
    this.startToListeningNanos = startToListeningNanos;
    this.address = address;
    this.password = password;
    this.caCertFile = caCertFile;
  }

  static MitmProcess start(
      Path mitmdump,
      Path addon,
      Path dir,
      InetSocketAddress upstream,
      Path upstreamCa,
      String realToken,
      String password)
      throws IOException {
    Path confdir = Files.createDirectories(dir.resolve("confdir"));
    int port = Processes.freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                mitmdump.toString(),
                "--quiet",
                "--listen-host",
                "127.0.0.1",
                "--listen-port",
                String.valueOf(port),
                "--set",
                "confdir=" + confdir,
                "--set",
                "connection_strategy=lazy",
                "--set",
                "ssl_verify_upstream_trusted_ca=" + upstreamCa,
                "--set",
                "proxyauth=" + USER + ":" + password,
                "--set",
                "flow_detail=0",
                "-s",
                addon.toString())
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.contains("TOKEN"));
    // The token reaches the addon through the environment, never the command line (`ps`).
    builder.environment().put("BENCH_REAL_TOKEN", realToken);
    builder
        .environment()
        .put("BENCH_ROUTE", upstream.getAddress().getHostAddress() + ":" + upstream.getPort());
    long start = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().close();
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
    long listening;
    try {
      listening = Processes.awaitListening(address, process, Duration.ofSeconds(60));
    } catch (IOException e) {
      Processes.stop(process);
      throw new IOException(
          e.getMessage() + "; stderr: " + Files.readString(dir.resolve("stderr.log")), e);
    }
    Path ca = confdir.resolve("mitmproxy-ca-cert.pem");
    if (!Files.exists(ca)) {
      Processes.stop(process);
      throw new IOException("mitmproxy made no CA at " + ca);
    }
    return new MitmProcess(process, listening - start, address, password, ca);
  }

  String proxyUrl() {
    return "http://" + USER + ":" + password + "@127.0.0.1:" + address.getPort();
  }

  static String version(Path mitmdump) {
    String line = Processes.firstLine(List.of(mitmdump.toString(), "--version"));
    return line == null ? "unknown" : line.replace("Mitmproxy:", "").trim();
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
