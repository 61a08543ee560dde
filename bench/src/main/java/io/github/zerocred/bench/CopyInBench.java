package io.github.zerocred.bench;

import io.github.zerocred.proxy.Secret;
import io.github.zerocred.run.DockerEngine;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.WorkspaceArchive;
import io.github.zerocred.workspace.WorkspaceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The copy of a large checkout into a container, against {@code tar -c | docker cp -} of the same
 * tree on the same engine, rounds interleaved. The checkout (by default 40,000 tracked source-like
 * files, about 400 MB, plus a {@code target/} of 10,000 untracked build-output files, about 100 MB:
 * 50,000 files and 500 MB in all) is a real git repository (made with git, one pack), generated
 * under {@code --work}. Ways, each into a new container of an empty image:
 *
 * <ul>
 *   <li>{@code tar | docker cp}: {@code tar -C DIR -c workspace | docker cp - ID:/}, every file;
 *   <li>zerocred, every file ({@code workspaceFiles all}): the archive through the secret scan to a
 *       temporary file, then the upload as a run does it (one request with its length on the local
 *       socket);
 *   <li>the same archive uploaded through the Docker client library, as before (chunked);
 *   <li>zerocred, tracked files and {@code .git} (the default).
 * </ul>
 *
 * <p>Then the tar stream alone, discarded, with and without the scan (what the scan costs). Prints
 * Markdown rows with the target. Arguments: {@code [--files N] [--megabytes M]
 * [--build-files N] [--build-megabytes M] [--rounds R] [--work DIR] [--no-engine]}.
 */
public final class CopyInBench {
  private static final String IMAGE = "zerocred-bench-empty:copy-in";
  private static final String LABEL = "zerocred.bench=copy-in";
  private static final double TARGET = 1.25;

  private CopyInBench() {}

  public static void main(String[] args) throws Exception {
    int files = 40_000;
    int megabytes = 400;
    int buildFiles = 10_000;
    int buildMegabytes = 100;
    int rounds = 3;
    int uploadRounds = 3;
    boolean engine = true;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--megabytes" -> megabytes = Integer.parseInt(args[++i]);
        case "--build-files" -> buildFiles = Integer.parseInt(args[++i]);
        case "--build-megabytes" -> buildMegabytes = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--upload-rounds" -> uploadRounds = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--no-engine" -> engine = false;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory(work == null ? Path.of("/tmp") : work, "copy-in-");
    try {
      Path workspace = Files.createDirectories(dir.resolve("workspace"));
      long t0 = System.nanoTime();
      long tracked = checkout(workspace, "src", files, megabytes * 1024L * 1024, 42);
      Files.writeString(workspace.resolve(".gitignore"), "target/\n");
      git(workspace, "init", "-q");
      git(workspace, "add", "-A");
      git(
          workspace,
          "-c",
          "user.name=bench",
          "-c",
          "user.email=bench@localhost",
          "commit",
          "-q",
          "-m",
          "checkout");
      git(workspace, "repack", "-a", "-d", "-q");
      git(workspace, "prune-packed");
      long build =
          checkout(workspace.resolve("target"), "classes", buildFiles, buildMegabytes << 20, 43);
      Path real = workspace.toRealPath();
      long gitBytes = bytes(real.resolve(".git"));
      System.err.printf(
          Locale.ROOT,
          "[copy-in] checkout generated in %.1f s: %,d tracked files (%,d MB), %,d build files"
              + " (%,d MB), .git %,d MB%n",
          (System.nanoTime() - t0) / 1e9,
          files,
          tracked / 1_000_000,
          buildFiles,
          build / 1_000_000,
          gitBytes / 1_000_000);
      List<RunConfig.SecretToKeepOut> secrets =
          List.of(
              new RunConfig.SecretToKeepOut("oauth", Secret.of(token("sk-ant-oat01-", 95))),
              new RunConfig.SecretToKeepOut("github", Secret.of(token("ghs_", 36))));
      String load = Machine.loadAverage();
      List<String> rows = new ArrayList<>();
      if (engine) {
        rows.addAll(engineRows(dir, real, secrets, rounds, files + buildFiles, uploadRounds));
      }
      rows.addAll(scanRows(real, secrets, rounds));
      long peak = peakRssKb();
      System.out.printf(
          Locale.ROOT,
          "%nCopy-in of a checkout: %,d tracked files (%,d MB) + .git (%,d MB) + %,d untracked"
              + " build files (%,d MB); %d rounds interleaved, medians; load average %s before,"
              + " %s after; this JVM's peak RSS %,d MB (heap %,d MB max)%n%n",
          files,
          tracked / 1_000_000,
          gitBytes / 1_000_000,
          buildFiles,
          build / 1_000_000,
          rounds,
          load,
          Machine.loadAverage(),
          peak / 1024,
          Runtime.getRuntime().maxMemory() >> 20);
      System.out.println("| Figure | baseline | zerocred | zerocred/baseline | Target |");
      System.out.println("|---|---:|---:|---:|---|");
      rows.forEach(System.out::println);
    } finally {
      if (engine) {
        docker("sh", "-c", "docker rm -f $(docker ps -aq --filter label=" + LABEL + ") || true");
      }
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static List<String> engineRows(
      Path dir,
      Path workspace,
      List<RunConfig.SecretToKeepOut> secrets,
      int rounds,
      int files,
      int uploadRounds)
      throws Exception {
    // An image with nothing in it: the containers are only made, never started.
    Process importing =
        new ProcessBuilder("docker", "import", "-", IMAGE).redirectErrorStream(true).start();
    try (OutputStream in = importing.getOutputStream()) {
      in.write(new byte[1024]); // an empty tar
    }
    wait(importing, "docker import");
    Map<String, List<Long>> times = new LinkedHashMap<>();
    Map<String, List<Long>> archive = new LinkedHashMap<>();
    Map<String, Long> archiveBytes = new LinkedHashMap<>();
    Path tar = dir.resolve("workspace.tar");
    try (DockerEngine docker = DockerEngine.connect(Optional.empty())) {
      for (int r = -1; r < rounds; r++) { // round -1 warms up the page cache and the JIT
        boolean measured = r >= 0;
        System.err.printf(Locale.ROOT, "[copy-in] round %d of %d%n", r + 1, rounds);
        long t = timed(() -> dockerCp(dir));
        if (measured) {
          times.computeIfAbsent("tar", k -> new ArrayList<>()).add(t);
        }
        for (String way : List.of("all", "all, client library", "tracked")) {
          String id = create();
          long start = System.nanoTime();
          try (OutputStream out = Files.newOutputStream(tar)) {
            List<String> found =
                WorkspaceArchive.write(
                    workspace,
                    out,
                    secrets,
                    way.startsWith("all") ? WorkspaceFiles.ALL : WorkspaceFiles.TRACKED,
                    w -> System.err.println("[copy-in] warning: " + w));
            if (!found.isEmpty()) {
              throw new IllegalStateException("the generated checkout holds a secret: " + found);
            }
          }
          long written = System.nanoTime();
          archiveBytes.put(way, Files.size(tar));
          if (way.endsWith("client library")) {
            try (InputStream in = Files.newInputStream(tar)) {
              docker
                  .client()
                  .copyArchiveToContainerCmd(id)
                  .withRemotePath("/")
                  .withTarInputStream(in)
                  .exec();
            }
          } else {
            WorkspaceArchive.copyInto(docker, id, tar);
          }
          long end = System.nanoTime();
          Files.deleteIfExists(tar);
          docker("docker", "rm", "-f", id);
          if (measured) {
            times.computeIfAbsent(way, k -> new ArrayList<>()).add(end - start);
            archive.computeIfAbsent(way, k -> new ArrayList<>()).add(written - start);
          }
          System.err.printf(
              Locale.ROOT,
              "[copy-in]   %s: archive %.1f s + upload %.1f s (tar | docker cp %.1f s)%n",
              way,
              (written - start) / 1e9,
              (end - written) / 1e9,
              t / 1e9);
        }
      }
      // The upload alone, of one archive file, three ways alternating: what the engine's own
      // unpacking costs, and what the transport adds to it.
      try (OutputStream out = Files.newOutputStream(tar)) {
        WorkspaceArchive.write(workspace, out, List.of());
      }
      for (int r = 0; r < uploadRounds; r++) {
        for (String way : List.of("socket", "client library", "docker cp")) {
          String id = create();
          long start = System.nanoTime();
          switch (way) {
            case "socket" -> WorkspaceArchive.copyInto(docker, id, tar);
            case "client library" -> {
              try (InputStream in = Files.newInputStream(tar)) {
                docker
                    .client()
                    .copyArchiveToContainerCmd(id)
                    .withRemotePath("/")
                    .withTarInputStream(in)
                    .exec();
              }
            }
            default -> docker("sh", "-c", "docker cp - " + id + ":/ < '" + tar + "'");
          }
          long end = System.nanoTime();
          docker("docker", "rm", "-f", id);
          times.computeIfAbsent("upload " + way, k -> new ArrayList<>()).add(end - start);
          System.err.printf(
              Locale.ROOT, "[copy-in]   upload alone, %s: %.1f s%n", way, (end - start) / 1e9);
        }
      }
      Files.deleteIfExists(tar);
    } finally {
      docker("docker", "rmi", "-f", IMAGE);
    }
    long tarCp = median(times.get("tar"));
    long all = median(times.get("all"));
    long before = median(times.get("all, client library"));
    long tracked = median(times.get("tracked"));
    List<String> rows = new ArrayList<>();
    String name = String.format(Locale.ROOT, "copy-in, %,d files, every file (s)", files);
    rows.add(
        row(
            name + ": before (client library, chunked)",
            tarCp,
            before,
            "",
            times.get("all, client library")));
    rows.add(
        row(
            name + ": local socket, one request with its length",
            tarCp,
            all,
            String.format(
                Locale.ROOT,
                "≤ %.2f× `tar -c \\| docker cp -`: **%s**",
                TARGET,
                all <= TARGET * tarCp ? "met" : "missed"),
            times.get("all")));
    rows.add(
        row(
            "… of which the archive (scan, temporary file)",
            tarCp,
            median(archive.get("all")),
            "",
            archive.get("all")));
    rows.add(
        row(
            "copy-in, tracked files + .git (the default) against every file (s)",
            all,
            tracked,
            String.format(
                Locale.ROOT,
                "archive %,d MB against %,d MB",
                archiveBytes.get("tracked") / 1_000_000,
                archiveBytes.get("all") / 1_000_000),
            times.get("tracked")));
    if (uploadRounds > 0) {
      long cp = median(times.get("upload docker cp"));
      rows.add(
          row(
              "upload alone of the same archive file, `docker cp -` against the local socket (s)",
              cp,
              median(times.get("upload socket")),
              "",
              times.get("upload socket")));
      rows.add(
          row(
              "upload alone, `docker cp -` against the client library, chunked (s)",
              cp,
              median(times.get("upload client library")),
              "",
              times.get("upload client library")));
      System.err.println(
          "[copy-in] upload alone, docker cp, each (s): " + seconds(times.get("upload docker cp")));
    }
    System.err.println("[copy-in] tar | docker cp, each round (s): " + seconds(times.get("tar")));
    return rows;
  }

  private static List<String> scanRows(
      Path workspace, List<RunConfig.SecretToKeepOut> secrets, int rounds) throws IOException {
    for (int w = 0; w < 2; w++) {
      discarded(workspace, List.of());
      discarded(workspace, secrets);
    }
    List<Long> plain = new ArrayList<>();
    List<Long> scanned = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      plain.add(discarded(workspace, List.of()));
      scanned.add(discarded(workspace, secrets));
    }
    return List.of(
        row(
            "tar stream of every file, discarded: without the scan, with it (s)",
            median(plain),
            median(scanned),
            "",
            scanned));
  }

  private static String row(
      String figure, long baseline, long zerocred, String target, List<Long> each) {
    return String.format(
        Locale.ROOT,
        "| %s | %.2f | %.2f | %.2f× | %s |  <!-- each: %s -->",
        figure,
        baseline / 1e9,
        zerocred / 1e9,
        (double) zerocred / baseline,
        target,
        seconds(each));
  }

  private static String seconds(List<Long> nanos) {
    return String.join(
        ", ", nanos.stream().map(n -> String.format(Locale.ROOT, "%.1f", n / 1e9)).toList());
  }

  private static long discarded(Path workspace, List<RunConfig.SecretToKeepOut> secrets)
      throws IOException {
    long t0 = System.nanoTime();
    WorkspaceArchive.write(workspace, OutputStream.nullOutputStream(), secrets);
    return System.nanoTime() - t0;
  }

  private interface Timed {
    void run() throws Exception;
  }

  private static long timed(Timed t) throws Exception {
    long t0 = System.nanoTime();
    t.run();
    return System.nanoTime() - t0;
  }

  private static void dockerCp(Path dir) throws Exception {
    String id = create();
    try {
      docker("sh", "-c", "tar -C '" + dir + "' -c workspace | docker cp - " + id + ":/");
    } finally {
      docker("docker", "rm", "-f", id);
    }
  }

  private static String create() throws Exception {
    return docker("docker", "create", "--label", LABEL, IMAGE, "/nothing").strip();
  }

  private static String docker(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    wait(p, String.join(" ", command) + ": " + out);
    return out;
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    docker(command.toArray(String[]::new));
  }

  private static void wait(Process p, String what) throws Exception {
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("failed: " + what);
    }
  }

  private static long bytes(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux: no figure.
    }
    return 0;
  }

  /** Source-like text files of varied sizes in nested directories, like a real checkout. */
  private static long checkout(Path root, String prefix, int files, long totalBytes, long seed)
      throws IOException {
    Random random = new Random(seed);
    long average = totalBytes / files;
    byte[] line = "    int value = compute(alpha, beta) + offset; // a line of code\n".getBytes();
    long written = 0;
    for (int i = 0; i < files; i++) {
      Path d = root.resolve(prefix + (i % 50)).resolve("p" + (i % 500 / 50));
      Files.createDirectories(d);
      int size = (int) Math.max(1, average / 2 + random.nextInt((int) Math.max(1, average)));
      byte[] content = new byte[size];
      for (int o = 0; o < size; o += line.length) {
        System.arraycopy(line, 0, content, o, Math.min(line.length, size - o));
      }
      // Some variety, so that the scan cannot ride one cached path through the automaton.
      for (int k = 0; k < size / 64; k++) {
        content[random.nextInt(size)] = (byte) ('a' + random.nextInt(26));
      }
      Files.write(d.resolve("File" + i + ".java"), content);
      written += size;
    }
    return written;
  }

  private static String token(String prefix, int length) {
    Random random = new Random(7);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
