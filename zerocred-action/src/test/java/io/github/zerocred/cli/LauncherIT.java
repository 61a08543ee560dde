package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code target/zerocred} as users run it: it starts the jar with each command's
 * options, keeps a class-data-sharing archive in the user's cache folder, and never maps one from a
 * folder or file that someone else could have written (a planted archive is code execution).
 */
class LauncherIT {
  private static final String TOKEN = "sk-ant-oat01-launcherTest-" + "x".repeat(40);
  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration EXIT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void firstStart_trainsAnArchive_laterStartsPromoteAndMapIt_signalsStillReachTheProxy()
      throws Exception {
    Path cache = work.resolve("cache");
    Path cds = cache.resolve("zerocred/cds");

    long firstPid = startAndStop(env(cache), "first", Map.of());

    // `exec`: the JVM kept the launcher's PID, which names the class list it wrote.
    assertThat(files(cds)).singleElement().asString().endsWith(".jsa." + firstPid + ".new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cds)))
        .isEqualTo("rwx------");

    Path classes = work.resolve("classes.txt");
    startAndStop(
        env(cache),
        "second",
        Map.of("ZEROCRED_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classes));

    assertThat(files(cds)).singleElement().asString().matches(".*/proxy-[0-9]+\\.jsa");
    // From the archive the launcher dumped from the first start's class list: the jar's classes,
    // picocli's (compiled for Java 5, which only a dumped archive can hold) included.
    List<String> loaded = Files.readAllLines(classes);
    for (String name : List.of("io.github.zerocred.cli.ProxyCommand ", "picocli.CommandLine ")) {
      assertThat(loaded)
          .anySatisfy(
              line -> assertThat(line).contains(name).contains("source: shared objects file"));
    }
  }

  @Test
  void aCacheFolderOthersCanWrite_isNeitherReadNorWritten_andTheProxyStillRuns() throws Exception {
    Path cache = work.resolve("cache");
    Path cds = Files.createDirectories(cache.resolve("zerocred/cds"));
    Files.setPosixFilePermissions(cds, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path planted = Files.writeString(cds.resolve("proxy-1.jsa"), "not an archive");

    try (ZerocredProcess zerocred = launchProxy(env(cache), work.resolve("ready.json"))) {
      zerocred.awaitReadyFile(work.resolve("ready.json"), READY);
      zerocred.terminate();
      assertThat(zerocred.awaitExit(EXIT)).isZero();
      assertThat(zerocred.stderr())
          .contains("not using the class-data-sharing cache " + cds)
          .doesNotContain("SharedArchiveFile");
    }
    assertThat(files(cds)).containsExactly(planted);
  }

  @Test
  void aCacheHomeOthersCanWriteWithoutTheStickyBit_isNotUsed() throws Exception {
    // There another user could rename our zerocred folder away and put their own in its place.
    Path cache = Files.createDirectories(work.resolve("shared-cache"));
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

    try (ZerocredProcess zerocred = launchProxy(env(cache), work.resolve("ready.json"))) {
      zerocred.awaitReadyFile(work.resolve("ready.json"), READY);
      zerocred.terminate();
      assertThat(zerocred.awaitExit(EXIT)).isZero();
      assertThat(zerocred.stderr()).contains("not using the class-data-sharing cache");
    }
    assertThat(files(cache.resolve("zerocred/cds"))).isEmpty();
  }

  @Test
  void aLinkedCacheFolder_isNotFollowed() throws Exception {
    Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
    Path cache = Files.createDirectories(work.resolve("cache/zerocred"));
    Files.createSymbolicLink(cache.resolve("cds"), elsewhere);

    try (ZerocredProcess zerocred = launchProxy(env(work.resolve("cache")), work.resolve("r"))) {
      zerocred.awaitReadyFile(work.resolve("r"), READY);
      zerocred.terminate();
      assertThat(zerocred.awaitExit(EXIT)).isZero();
      assertThat(zerocred.stderr()).contains("not using the class-data-sharing cache");
    }
    assertThat(files(elsewhere)).isEmpty();
  }

  @Test
  void anArchiveOthersCanWrite_isIgnored() throws Exception {
    Path cache = work.resolve("cache");
    startAndStop(env(cache), "train", Map.of());
    startAndStop(env(cache), "promote", Map.of());
    Path archive = files(cache.resolve("zerocred/cds")).get(0);
    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));

    try (ZerocredProcess zerocred = launchProxy(env(cache), work.resolve("ready.json"))) {
      zerocred.awaitReadyFile(work.resolve("ready.json"), READY);
      zerocred.terminate();
      assertThat(zerocred.awaitExit(EXIT)).isZero();
      assertThat(zerocred.stderr()).contains("ignoring " + archive);
    }
  }

  @Test
  void aRunThatFailsEarly_leavesNoArchiveThatIsUsed() throws Exception {
    Path cache = work.resolve("cache");
    Path cds = cache.resolve("zerocred/cds");
    Map<String, String> noToken = new HashMap<>(env(cache));
    noToken.remove("CLAUDE_CODE_OAUTH_TOKEN");
    try (ZerocredProcess failed = ZerocredProcess.launch(noToken, "proxy")) {
      assertThat(failed.awaitExit(EXIT)).isEqualTo(ExitCodes.CREDENTIALS);
    }
    assertThat(files(cds)).anySatisfy(f -> assertThat(f.toString()).endsWith(".new.discard"));

    long pid = startAndStop(env(cache), "after-failure", Map.of());

    // The failed run's archive is gone; this run trains a new one.
    assertThat(files(cds)).singleElement().asString().endsWith(".jsa." + pid + ".new");
  }

  private long startAndStop(Map<String, String> env, String name, Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extra);
    Path ready = work.resolve(name + "-ready.json");
    try (ZerocredProcess zerocred = launchProxy(all, ready)) {
      zerocred.awaitReadyFile(ready, READY);
      zerocred.terminate();
      assertThat(zerocred.awaitExit(EXIT)).as("exit code; stderr: %s", zerocred.stderr()).isZero();
      assertThat(zerocred.stdout()).as("nothing from the JVM on stdout").isEmpty();
      return zerocred.pid();
    }
  }

  private static ZerocredProcess launchProxy(Map<String, String> env, Path ready) {
    return ZerocredProcess.launch(
        env, "proxy", "--listen", "127.0.0.1:0", "--ready-file", ready.toString());
  }

  private Map<String, String> env(Path cache) {
    return Map.of(
        "CLAUDE_CODE_OAUTH_TOKEN",
        TOKEN,
        "XDG_CACHE_HOME",
        cache.toString(),
        "HOME",
        work.toString());
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.sorted().toList();
    }
  }
}
