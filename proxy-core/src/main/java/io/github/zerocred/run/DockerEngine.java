package io.github.zerocred.run;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.time.Duration;
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
  private final AtomicBoolean closed = new AtomicBoolean();

  private DockerEngine(String host, DockerClient client) {
    this.host = host;
    this.client = client;
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
    DockerEngine engine = new DockerEngine(host, client);
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
