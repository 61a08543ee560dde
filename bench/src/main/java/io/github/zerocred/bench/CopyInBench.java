package io.github.zerocred.bench;

import io.github.zerocred.proxy.Secret;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.WorkspaceArchive;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * What the secret scan costs on the copy into the container: a large checkout (by default 50,000
 * files, about 500 MB, in nested directories) written as the container's tar stream, with and
 * without the scan for two secrets (an OAuth token and a GitHub token, every form), rounds
 * interleaved. The stream goes to a file as in a run, and to nowhere (tar and scan alone).
 *
 * <p>Arguments: {@code [--files N] [--megabytes M] [--rounds R] [--work DIR]}.
 */
public final class CopyInBench {
  private CopyInBench() {}

  public static void main(String[] args) throws Exception {
    int files = 50_000;
    int megabytes = 500;
    int rounds = 5;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--megabytes" -> megabytes = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory(work == null ? Path.of("/tmp") : work, "copy-in-");
    try {
      Path workspace = Files.createDirectories(dir.resolve("workspace"));
      long bytes = checkout(workspace, files, megabytes * 1024L * 1024);
      Path tar = dir.resolve("workspace.tar");
      List<RunConfig.SecretToKeepOut> secrets =
          List.of(
              new RunConfig.SecretToKeepOut("oauth", Secret.of(token("sk-ant-oat01-", 95))),
              new RunConfig.SecretToKeepOut("github", Secret.of(token("ghs_", 36))));
      Path real = workspace.toRealPath();
      // Warm-up: page cache and JIT, both ways.
      for (int w = 0; w < 2; w++) {
        archive(real, null, List.of());
        archive(real, null, secrets);
      }
      List<Long> plainNull = new ArrayList<>();
      List<Long> scanNull = new ArrayList<>();
      List<Long> plainFile = new ArrayList<>();
      List<Long> scanFile = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        plainNull.add(archive(real, null, List.of()));
        scanNull.add(archive(real, null, secrets));
        plainFile.add(archive(real, tar, List.of()));
        scanFile.add(archive(real, tar, secrets));
      }
      System.out.printf(
          Locale.ROOT,
          "Copy-in of %,d files, %,d MB (%d rounds, median):%n",
          files,
          bytes / 1_000_000,
          rounds);
      row("tar stream, discarded", median(plainNull), median(scanNull), bytes);
      row("tar stream to a file (as a run)", median(plainFile), median(scanFile), bytes);
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void row(String what, long plainNanos, long scanNanos, long bytes) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %.2f s (%.0f MB/s) | %.2f s (%.0f MB/s) | scan/no scan %.2f |%n",
        what,
        plainNanos / 1e9,
        bytes / 1e6 / (plainNanos / 1e9),
        scanNanos / 1e9,
        bytes / 1e6 / (scanNanos / 1e9),
        (double) scanNanos / plainNanos);
  }

  private static long archive(Path workspace, Path tar, List<RunConfig.SecretToKeepOut> secrets)
      throws IOException {
    long t0 = System.nanoTime();
    try (OutputStream out =
        tar == null ? OutputStream.nullOutputStream() : Files.newOutputStream(tar)) {
      List<String> found = WorkspaceArchive.write(workspace, out, secrets);
      if (!found.isEmpty()) {
        throw new IllegalStateException("the generated checkout holds a secret: " + found);
      }
    }
    return System.nanoTime() - t0;
  }

  /** Source-like text files of varied sizes in nested directories, like a real checkout. */
  private static long checkout(Path root, int files, long totalBytes) throws IOException {
    Random random = new Random(42);
    long average = totalBytes / files;
    byte[] line = "    int value = compute(alpha, beta) + offset; // a line of code\n".getBytes();
    long written = 0;
    for (int i = 0; i < files; i++) {
      Path d = root.resolve("m" + (i % 50)).resolve("p" + (i % 500 / 50));
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
