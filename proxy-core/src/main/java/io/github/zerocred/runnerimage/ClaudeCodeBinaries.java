package io.github.zerocred.runnerimage;

import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.run.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Claude Code's native binary on the host: taken from the cache when an earlier fetch verified it,
 * else fetched from the npm registry as the platform package's tarball and checked against the
 * registry's {@code sha512} while it streams in (see {@link NativeBinaryTarball}). Only a verified
 * binary ever enters the cache; a cached one is re-hashed before use, so a truncated or altered
 * cache entry is fetched again rather than built into an image.
 */
public final class ClaudeCodeBinaries {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TARBALL_HEADERS_TIMEOUT = Duration.ofMinutes(2);

  private final Path cacheRoot;
  private final HttpClient http;

  private ClaudeCodeBinaries(Path cacheRoot) {
    this.cacheRoot = cacheRoot;
    // Redirects are followed except from https to http; the digest decides what is accepted.
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  /** Binaries cached under {@code cacheRoot} (zerocred's cache directory). */
  public static ClaudeCodeBinaries in(Path cacheRoot) {
    return new ClaudeCodeBinaries(cacheRoot);
  }

  /**
   * zerocred's cache directory: {@code ZEROCRED_CACHE_DIR}, else {@code $XDG_CACHE_HOME/zerocred},
   * else {@code ~/.cache/zerocred}.
   */
  public static Path defaultCacheRoot(Map<String, String> env) {
    String own = env.get("ZEROCRED_CACHE_DIR");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "zerocred");
    }
    return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache", "zerocred");
  }

  /** Where a version's binary is cached. */
  Path directory(String version, String nodeArch) {
    return cacheRoot.resolve("claude-code").resolve(version).resolve("linux-" + nodeArch);
  }

  /**
   * The verified binary of {@code version} for {@code nodeArch} ({@code x64}, {@code arm64}).
   *
   * @param registry where the npm registry is; asked only when the cache cannot serve
   */
  public Path obtain(
      String version,
      String nodeArch,
      Supplier<URI> registry,
      RunnerImageListener listener,
      Cancellation cancellation)
      throws IOException {
    ClaudeCodeVersion.check(version, "the Claude Code version");
    if (!nodeArch.equals("x64") && !nodeArch.equals("arm64")) {
      throw new ZerocredException(
          "Claude Code ships native binaries for linux x64 and arm64, not " + nodeArch);
    }
    Path dir = directory(version, nodeArch);
    Path binary = dir.resolve("claude");
    Path checksum = dir.resolve("claude.sha256");
    if (cached(binary, checksum)) {
      listener.progress(
          "Claude Code " + version + " (linux-" + nodeArch + ") from the cache " + dir);
      return binary;
    }
    String name = PlatformPackage.packageName(nodeArch);
    URI base = registry.get();
    URI metadataUri = PlatformPackage.metadataUri(base, name, version);
    listener.progress("Fetching " + name + "@" + version + " from the npm registry " + base);
    PlatformPackage pkg =
        PlatformPackage.parse(metadata(metadataUri, name, version), name, version);
    createPrivateDirectories(dir);
    Path partial = Files.createTempFile(dir, "claude-", ".partial");
    Files.delete(partial); // the extractor creates it, refusing to follow anything there
    try {
      long started = System.nanoTime();
      String sha256 = download(pkg, partial, cancellation);
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path sumPartial = Files.createTempFile(dir, "claude-", ".sha256.partial");
      Files.writeString(sumPartial, sha256 + "\n" + pkg.integrity() + "\n");
      move(sumPartial, checksum);
      move(partial, binary);
      listener.progress(
          String.format(
              "Verified %s@%s against the registry's sha512 (%d MB binary, %.1f s)",
              name, version, Files.size(binary) / 1_000_000, (System.nanoTime() - started) / 1e9));
      return binary;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private boolean cached(Path binary, Path checksum) {
    try {
      if (!Files.isRegularFile(binary, LinkOption.NOFOLLOW_LINKS)
          || !Files.isRegularFile(checksum, LinkOption.NOFOLLOW_LINKS)
          || Files.size(checksum) > 1024) {
        return false;
      }
      String expected =
          Files.readString(checksum, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
      MessageDigest sha256 = sha256();
      try (InputStream in =
          new DigestInputStream(Files.newInputStream(binary, LinkOption.NOFOLLOW_LINKS), sha256)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(sha256.digest()).equals(expected.strip());
    } catch (IOException | RuntimeException e) {
      return false; // fetch again
    }
  }

  private byte[] metadata(URI uri, String name, String version) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(METADATA_TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<InputStream> response = send(request, uri);
    try (InputStream body = response.body()) {
      if (response.statusCode() == 404) {
        throw new ZerocredException(
            "The npm registry "
                + uri.resolve("/").getHost()
                + " has no "
                + name
                + "@"
                + version
                + " (HTTP 404): check the Claude Code version");
      }
      if (response.statusCode() != 200) {
        throw new ZerocredException(
            "The npm registry answered HTTP " + response.statusCode() + " for " + uri);
      }
      byte[] bytes = body.readNBytes(PlatformPackage.MAX_METADATA_BYTES + 1);
      if (bytes.length > PlatformPackage.MAX_METADATA_BYTES) {
        throw new ZerocredException(
            "The npm registry's document for "
                + name
                + "@"
                + version
                + " is unusable: larger than "
                + PlatformPackage.MAX_METADATA_BYTES
                + " bytes");
      }
      return bytes;
    }
  }

  private String download(PlatformPackage pkg, Path out, Cancellation cancellation)
      throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(pkg.tarball()).timeout(TARBALL_HEADERS_TIMEOUT).GET().build();
    HttpResponse<InputStream> response = send(request, pkg.tarball());
    String what = pkg.name() + "@" + pkg.version();
    try (InputStream body = response.body();
        Cancellation.Registration stop = cancellation.onCancel(() -> closeQuietly(body))) {
      if (response.statusCode() != 200) {
        throw new ZerocredException(
            "The npm registry answered HTTP " + response.statusCode() + " for " + pkg.tarball());
      }
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > NativeBinaryTarball.MAX_TARBALL_BYTES) {
        throw new ZerocredException(
            "The tarball of "
                + what
                + " is refused: it is larger than "
                + NativeBinaryTarball.MAX_TARBALL_BYTES
                + " bytes");
      }
      try {
        return NativeBinaryTarball.standard().extract(body, pkg.sha512(), out, what);
      } catch (IOException e) {
        if (cancellation.isCancelled()) {
          throw new ZerocredException("Fetching " + what + " was cancelled", e);
        }
        throw new IOException("Fetching the tarball of " + what + " failed: " + e.getMessage(), e);
      }
    }
  }

  private HttpResponse<InputStream> send(HttpRequest request, URI uri) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while fetching " + uri, e);
    } catch (IOException e) {
      throw new IOException(
          "Cannot reach the npm registry at " + uri.resolve("/") + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // the read that was cut short reports the cancellation
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
