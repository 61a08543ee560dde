package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one Docker client of a run, and the one place that decides how to reach the engine: the
 * configured host, else {@code DOCKER_HOST} (with {@code DOCKER_TLS_VERIFY} and {@code
 * DOCKER_CERT_PATH}), else the local socket.
 *
 * <p>Requests go without an API version in the path, so the engine answers in its own version: that
 * works with Docker 20.10 (API 1.41) as with engines that no longer accept old versions. Only
 * fields that API 1.41 already has are used.
 */
public final class DockerEngine implements AutoCloseable {
  static final String LOCAL_SOCKET = "unix:///var/run/docker.sock";

  private final String host;
  private final DockerClient client;
  // The transport under the client, for the calls made without its object model (hasImage, …).
  private final DockerHttpClient http;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DockerEngine(String host, DockerClient client, DockerHttpClient http) {
    this.host = host;
    this.client = client;
    this.http = http;
  }

  /**
   * Connects and pings the engine.
   *
   * @throws DockerEngineUnavailableException when none answers, saying how to start one
   */
  public static DockerEngine connect(Optional<String> configuredHost) {
    DefaultDockerClientConfig.Builder builder =
        DefaultDockerClientConfig.createDefaultConfigBuilder();
    configuredHost.ifPresent(builder::withDockerHost);
    DockerClientConfig config;
    try {
      config = builder.build();
    } catch (RuntimeException e) {
      throw unreachable(configuredHost.orElse(System.getenv("DOCKER_HOST")), e);
    }
    String host = config.getDockerHost().toString();
    DockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(16)
            .connectionTimeout(Duration.ofSeconds(10))
            .build();
    DockerClient client = DockerClientImpl.getInstance(config, http);
    DockerEngine engine = new DockerEngine(host, client, http);
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      engine.close();
      throw unreachable(host, e);
    }
    return engine;
  }

  private static DockerEngineUnavailableException unreachable(String host, Throwable cause) {
    String where = host == null || host.isBlank() ? LOCAL_SOCKET : host;
    return new DockerEngineUnavailableException(
        "Cannot reach a Docker engine at "
            + where
            + " ("
            + rootMessage(cause)
            + "): start one (e.g. `sudo dockerd &` or `systemctl start docker`) or set"
            + " DOCKER_HOST",
        cause);
  }

  public static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip());
  }

  public DockerClient client() {
    return client;
  }

  public String host() {
    return host;
  }

  /**
   * Whether the engine has {@code image}, asked with the status of {@code GET /images/NAME/json}
   * only: the client library would read the whole answer into its object model, whose classes cost
   * a review's start more than the call itself.
   */
  boolean hasImage(String image) {
    DockerHttpClient.Request request =
        DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET)
            .path("/images/" + pathSegment(image) + "/json")
            .build();
    try (DockerHttpClient.Response response = http.execute(request)) {
      int status = response.getStatusCode();
      if (status == 200) {
        return true;
      }
      if (status == 404) {
        return false;
      }
      throw new IllegalStateException(
          "the engine answered " + status + " to the inspection of the image " + image);
    }
  }

  /**
   * The storage driver and its status lines of {@code docker info} (all that {@link
   * ContainerLimits} needs), read as a tree: the client library's {@code Info} model is large.
   */
  Info storageInfo() {
    JsonNode info =
        EngineJson.get(http, "/info")
            .orElseThrow(() -> new IllegalStateException("the engine answered 404 to docker info"));
    List<List<String>> statuses = new ArrayList<>();
    for (JsonNode pair : info.path("DriverStatus")) {
      List<String> line = new ArrayList<>();
      pair.forEach(v -> line.add(v.asText()));
      statuses.add(line);
    }
    JsonNode driver = info.path("Driver");
    return new Info()
        .withDriver(driver.isTextual() ? driver.asText() : null)
        .withDriverStatuses(statuses);
  }

  /** {@code value} as one path segment: an image name keeps its {@code / : @}, as the CLI sends. */
  static String pathSegment(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/:@".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** The engine's version, for messages; empty if it cannot say. */
  Optional<String> version() {
    try {
      Version v = client.versionCmd().exec();
      return Optional.of(v.getVersion() + " (API " + v.getApiVersion() + ")");
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // the run thread and the shutdown hook may both close it
    }
    try {
      client.close();
    } catch (IOException | RuntimeException e) {
      // Closing a client whose engine went away can fail; nothing is left to release then.
    }
  }
}
