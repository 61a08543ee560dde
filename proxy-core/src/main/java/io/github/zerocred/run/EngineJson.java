package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The engine's answers to the few GET requests a run makes on its way (list, inspect), read as JSON
 * trees of the fields the run needs: docker-java's object model builds a deserializer for each of
 * its large model classes the first time one is read (the container's inspection alone: its host
 * configuration, mounts and network settings), which a flight recording of the action showed as
 * most of the CPU of the sweep and of finding the action's own container. Requests go without an
 * API version, as {@link DockerEngine}'s do.
 */
final class EngineJson {
  private static final ObjectMapper TREES = new ObjectMapper();
  // The engine's own rule for names ([a-zA-Z0-9][a-zA-Z0-9_.-]*); ids are hex.
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");

  private EngineJson() {}

  /**
   * The answer to {@code GET path} as a tree; empty when the engine answers 404 (no such thing).
   */
  static Optional<JsonNode> get(DockerClient docker, String path) {
    return get(http(docker), path);
  }

  /** As {@link #get(DockerClient, String)}, on the transport itself. */
  static Optional<JsonNode> get(DockerHttpClient http, String path) {
    DockerHttpClient.Request request =
        DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET)
            .path(path)
            .build();
    try (DockerHttpClient.Response response = http.execute(request)) {
      int status = response.getStatusCode();
      if (status == 404) {
        return Optional.empty();
      }
      if (status != 200) {
        throw new IllegalStateException("the engine answered " + status + " to GET " + path);
      }
      return Optional.of(TREES.readTree(response.getBody()));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the engine's answer to GET " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * A container's inspection ({@code GET /containers/ID/json}); empty when it is gone. Hostile
   * input: {@code id} may come from a label anyone with the engine's socket can set ({@link
   * Sweeper#OWNER_CONTAINER}): what is no container id or name is never put in a path (such as
   * {@code ../info}) and is taken for gone.
   */
  static Optional<JsonNode> container(DockerClient docker, String id) {
    if (!isName(id)) {
      return Optional.empty();
    }
    return get(docker, "/containers/" + id + "/json");
  }

  /** A network's inspection ({@code GET /networks/ID}); empty when it is gone (as above). */
  static Optional<JsonNode> network(DockerClient docker, String id) {
    if (!isName(id)) {
      return Optional.empty();
    }
    return get(docker, "/networks/" + id);
  }

  /** Whether {@code id} is an engine object's id or name, safe as one path segment. */
  static boolean isName(String id) {
    return id != null && NAME.matcher(id).matches();
  }

  /** Whether an inspection says the container is running. */
  static boolean isRunning(JsonNode container) {
    return container.path("State").path("Running").asBoolean(false);
  }

  /** Every container (running or not) carrying all of {@code labels}: ids and labels. */
  static JsonNode containers(DockerClient docker, Map<String, String> labels) {
    return get(docker, "/containers/json?all=1&filters=" + labelFilter(labels))
        .orElseThrow(() -> new IllegalStateException("the engine cannot list containers"));
  }

  /** Every network carrying all of {@code labels} (every network when empty). */
  static JsonNode networks(DockerClient docker, Map<String, String> labels) {
    String path = labels.isEmpty() ? "/networks" : "/networks?filters=" + labelFilter(labels);
    return get(docker, path)
        .orElseThrow(() -> new IllegalStateException("the engine cannot list networks"));
  }

  /** An object's labels as a map (empty when it has none). */
  static Map<String, String> labels(JsonNode object) {
    Map<String, String> labels = new LinkedHashMap<>();
    object
        .path("Labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /** {@code {"label":["k=v",...]}}, URL-encoded, as the engine's list filters take it. */
  static String labelFilter(Map<String, String> labels) {
    ObjectNode filters = TREES.createObjectNode();
    ArrayNode pairs = filters.putArray("label");
    labels.forEach((k, v) -> pairs.add(k + "=" + v));
    return URLEncoder.encode(filters.toString(), StandardCharsets.UTF_8);
  }

  private static DockerHttpClient http(DockerClient docker) {
    if (docker instanceof DockerClientImpl impl) {
      return impl.getHttpClient();
    }
    // Every client of a run comes from DockerEngine.connect, which makes a DockerClientImpl.
    throw new IllegalStateException("not a client DockerEngine made: " + docker.getClass());
  }
}
