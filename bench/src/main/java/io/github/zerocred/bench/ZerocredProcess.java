package io.github.zerocred.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code zerocred proxy} child process, started the way a user starts it, with its ready file.
 */
final class ZerocredProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final long startToReadyNanos;
  final long rssAtReadyBytes;
  final long cpuAtReadyNanos;
  final String tlsProvider;
  final InetSocketAddress address;
  final String user;
  final String password;
  final Path caCertFile;
  final String placeholder;

  private ZerocredProcess(
      Process process,
      long startToReadyNanos,
      long rssAtReadyBytes,
      long cpuAtReadyNanos,
      String tlsProvider,
      InetSocketAddress address,
      String user,
      String password,
      Path caCertFile,
      String placeholder) {
    this.process = process;
    this.startToReadyNanos = startToReadyNanos;
    this.rssAtReadyBytes = rssAtReadyBytes;
    this.cpuAtReadyNanos = cpuAtReadyNanos;
    this.tlsProvider = tlsProvider;
    this.address = address;
    this.user = user;
    this.password = password;
    this.caCertFile = caCertFile;
    this.placeholder = placeholder;
  }

  /**
   * Starts {@code java -jar zerocred.jar proxy}, routing every credential host to {@code upstream},
   * and waits for its ready file.
   */
  static ZerocredProcess start(
      Path jar,
      Path dir,
      InetSocketAddress upstream,
      Path upstreamCa,
      Map<String, String> credentials,
      List<String> jvmOptions,
      String... proxyOptions)
      throws IOException {
    Files.createDirectories(dir);
    Path ready = dir.resolve("ready.json");
    Files.deleteIfExists(ready);
    String route = "=" + upstream.getAddress().getHostAddress() + ":" + upstream.getPort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "proxy",
            "--listen",
            "127.0.0.1:0",
            "--route",
            "api.anthropic.com" + route,
            "--route",
            "api.github.com" + route,
            "--route",
            "github.com" + route,
            "--upstream-ca",
            upstreamCa.toString(),
            // The endpoint policy is on, as in every run: the benchmark's own paths are allowed
            // explicitly, so their cost includes the check. /v1/messages is allowed by default.
            "--allow-endpoint",
            "GET /small",
            "--allow-endpoint",
            "GET /large",
            "--allow-endpoint",
            "POST /upload",
            "--allow-endpoint",
            "GET /sse",
            // The audit log is on, as in every `zerocred review`: its cost is part of the figure.
            "--audit-log",
            dir.resolve("audit.jsonl").toString(),
            "--ready-file",
            ready.toString()));
    command.addAll(List.of(proxyOptions));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.contains("TOKEN"));
    builder.environment().putAll(credentials);
    long start = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().close();
    long seen;
    try {
      seen = Processes.awaitFile(ready, process, Duration.ofSeconds(60));
    } catch (IOException e) {
      Processes.stop(process);
      throw new IOException(
          e.getMessage() + "; stderr: " + Files.readString(dir.resolve("stderr.log")), e);
    }
    long rssAtReady = Processes.rssBytes(process.pid());
    long cpuAtReady = Processes.cpuNanos(process.pid());
    // The file is written atomically (renamed into place), so once it exists it is complete.
    JsonNode json = JSON.readTree(ready.toFile());
    URI url = URI.create(json.path("proxyUrl").asText());
    String[] userInfo = url.getRawUserInfo().split(":", 2);
    return new ZerocredProcess(
        process,
        seen - start,
        rssAtReady,
        cpuAtReady,
        tlsProvider(dir.resolve("stderr.log")),
        new InetSocketAddress(url.getHost(), url.getPort()),
        decode(userInfo[0]),
        decode(userInfo[1]),
        Path.of(json.path("caCertFile").asText()),
        json.path("placeholders").path("CLAUDE_CODE_OAUTH_TOKEN").asText());
  }

  /** The TLS stack the proxy printed at start ({@code zerocred: TLS: ...}), or "unknown". */
  private static String tlsProvider(Path stderr) throws IOException {
    // Printed by the proxy's event thread, possibly just after the ready file.
    for (int i = 0; i < 100; i++) {
      for (String line : Files.readAllLines(stderr)) {
        if (line.startsWith("zerocred: TLS: ")) {
          return line.substring("zerocred: TLS: ".length());
        }
      }
      Processes.sleep(10);
    }
    return "unknown";
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  String proxyUrl() {
    return "http://"
        + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8)
        + ":"
        + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)
        + "@127.0.0.1:"
        + address.getPort();
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
