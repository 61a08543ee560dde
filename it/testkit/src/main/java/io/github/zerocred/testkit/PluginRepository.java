package io.github.zerocred.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private Maven repository holding this build's plugin, core and parent POM as {@code install}
 * would lay them out, so that a child {@code mvn} runs the plugin just built (everything else comes
 * read-only from the user's repository through {@code maven.repo.local.tail}). The end-to-end tests
 * run before the invoker's {@code install}, and the bench outside Maven, so neither can use the
 * invoker's repository.
 */
public final class PluginRepository {
  private static final String GROUP_PATH = "io/github/zerocred";
  private static final Pattern PLUGIN_JAR =
      Pattern.compile("zerocred-maven-plugin-(\\d[^/]*?)\\.jar");

  private PluginRepository() {}

  /** The version the reactor packaged the plugin with, from the jar under {@code root}. */
  public static String version(Path root) throws IOException {
    Path target = root.resolve("zerocred-maven-plugin/target");
    try (Stream<Path> jars = Files.list(target)) {
      List<String> versions =
          jars.map(p -> PLUGIN_JAR.matcher(p.getFileName().toString()))
              .filter(Matcher::matches)
              .map(m -> m.group(1))
              .filter(v -> !v.endsWith("-sources") && !v.endsWith("-javadoc"))
              .toList();
      if (versions.size() != 1) {
        throw new IOException(
            "not one packaged plugin in "
                + target
                + " but "
                + versions
                + ": build through the reactor (-pl it -am, or -pl bench,zerocred-maven-plugin -am)");
      }
      return versions.get(0);
    }
  }

  /** Lays out parent POM, proxy-core and the plugin under {@code repository}. */
  public static Path create(Path root, Path repository, String version) throws IOException {
    put(repository, "zerocred-parent", version, root.resolve("pom.xml"), null);
    put(
        repository,
        "zerocred-proxy-core",
        version,
        root.resolve("proxy-core/pom.xml"),
        root.resolve("proxy-core/target/zerocred-proxy-core-" + version + ".jar"));
    put(
        repository,
        "zerocred-maven-plugin",
        version,
        root.resolve("zerocred-maven-plugin/pom.xml"),
        root.resolve("zerocred-maven-plugin/target/zerocred-maven-plugin-" + version + ".jar"));
    return repository;
  }

  /** The repository this machine's builds use: {@code maven.repo.local}, else the default. */
  public static Path userRepository() {
    String configured = System.getProperty("maven.repo.local");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  private static void put(Path repository, String artifact, String version, Path pom, Path jar)
      throws IOException {
    if (jar != null && !Files.isRegularFile(jar)) {
      throw new IOException(jar + " is missing: build it through the reactor");
    }
    Path dir =
        Files.createDirectories(repository.resolve(GROUP_PATH).resolve(artifact).resolve(version));
    Files.copy(
        pom, dir.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(
          jar, dir.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
