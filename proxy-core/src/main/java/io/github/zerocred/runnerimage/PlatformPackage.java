package io.github.zerocred.runnerimage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.zerocred.proxy.ZerocredException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;

/**
 * One version of Claude Code's platform package ({@code @anthropic-ai/claude-code-linux-x64} or
 * {@code -linux-arm64}) as the registry's version document describes it: where its tarball is and
 * the {@code sha512} the registry publishes for it.
 *
 * <p>Hostile input: the document comes over the network from a registry or a mirror. It is read
 * only up to {@link #MAX_METADATA_BYTES}, must name exactly the package and version asked for, and
 * yields an http(s) tarball URL without credentials and a well-formed 64-byte {@code sha512}.
 *
 * @param name the package name
 * @param version the exact version
 * @param tarball where the tarball is
 * @param sha512 the tarball's published SHA-512 digest
 */
public record PlatformPackage(String name, String version, URI tarball, byte[] sha512) {
  /** The most of a version document zerocred reads (the real one is under 1 KiB). */
  public static final int MAX_METADATA_BYTES = 1024 * 1024;

  /** The scope and name prefix of Claude Code's native packages. */
  static final String PACKAGE_PREFIX = "@anthropic-ai/claude-code-linux-";

  private static final JsonMapper JSON = jsonMapper();

  public PlatformPackage {
    sha512 = sha512.clone();
  }

  @Override
  public byte[] sha512() {
    return sha512.clone();
  }

  /** The npm name of the native package for an architecture in Node's words ({@code x64}). */
  public static String packageName(String nodeArch) {
    return PACKAGE_PREFIX + nodeArch;
  }

  /** The version document's URL under a registry's base URL (ending in {@code /}). */
  public static URI metadataUri(URI registry, String packageName, String version) {
    return registry.resolve(packageName + "/" + version);
  }

  /** The published digest in npm's form, {@code sha512-<base64>}. */
  public String integrity() {
    return "sha512-" + Base64.getEncoder().encodeToString(sha512);
  }

  /**
   * Reads a version document.
   *
   * @throws ZerocredException when it is not one, or describes another package or version
   */
  public static PlatformPackage parse(
      byte[] document, String expectedName, String expectedVersion) {
    if (document.length > MAX_METADATA_BYTES) {
      throw malformed(
          expectedName, expectedVersion, "larger than " + MAX_METADATA_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(document);
    } catch (JsonProcessingException e) {
      throw malformed(expectedName, expectedVersion, "not JSON");
    } catch (java.io.IOException e) {
      throw malformed(expectedName, expectedVersion, "unreadable");
    }
    if (root == null || !root.isObject()) {
      throw malformed(expectedName, expectedVersion, "not a JSON object");
    }
    if (!expectedName.equals(text(root.get("name")))
        || !expectedVersion.equals(text(root.get("version")))) {
      throw malformed(expectedName, expectedVersion, "it describes another package or version");
    }
    JsonNode dist = root.get("dist");
    if (dist == null || !dist.isObject()) {
      throw malformed(expectedName, expectedVersion, "no dist object");
    }
    URI tarball = tarball(text(dist.get("tarball")), expectedName, expectedVersion);
    byte[] sha512 = sha512(text(dist.get("integrity")), expectedName, expectedVersion);
    return new PlatformPackage(expectedName, expectedVersion, tarball, sha512);
  }

  private static URI tarball(String text, String name, String version) {
    if (text == null) {
      throw malformed(name, version, "no dist.tarball");
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http"))
          && uri.getHost() != null
          && uri.getRawUserInfo() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw malformed(name, version, "dist.tarball is not an http(s) URL without credentials");
  }

  /** The sha512 entry of an SRI string ({@code sha512-…}, several space-separated allowed). */
  private static byte[] sha512(String integrity, String name, String version) {
    if (integrity == null) {
      throw malformed(name, version, "no dist.integrity (zerocred needs the sha512 to check)");
    }
    for (String part : integrity.strip().split("\\s+")) {
      if (part.startsWith("sha512-")) {
        String b64 = part.substring("sha512-".length());
        int q = b64.indexOf('?'); // SRI options
        if (q >= 0) {
          b64 = b64.substring(0, q);
        }
        try {
          byte[] digest = Base64.getDecoder().decode(b64);
          if (digest.length == 64) {
            return digest;
          }
        } catch (IllegalArgumentException e) {
          // reported below
        }
        throw malformed(name, version, "dist.integrity holds a malformed sha512");
      }
    }
    throw malformed(name, version, "dist.integrity has no sha512");
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  private static ZerocredException malformed(String name, String version, String why) {
    return new ZerocredException(
        "The npm registry's document for " + name + "@" + version + " is unusable: " + why);
  }

  private static JsonMapper jsonMapper() {
    JsonMapper mapper = JsonMapper.builder().build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(MAX_METADATA_BYTES)
                .maxNumberLength(64)
                .build());
    return mapper;
  }
}
