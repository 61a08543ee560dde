package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.RunnerJob;
import io.github.zerocred.testkit.StandInAnthropicApi;
import io.github.zerocred.testkit.StandInGitHubApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The action image's class-data-sharing archive holds what a real action run loads. The archive is
 * dumped at image build from a committed class list ({@code
 * zerocred-action/src/main/cds/action.classlist}); this test runs the action image exactly as the
 * runner does, on two real reviews against the stand-in APIs (structured findings posted as a
 * review with an inline comment, and a plain-text review as a sticky comment), with the JVM told
 * through {@code JAVA_TOOL_OPTIONS} to list the classes it loads and where from. It fails when the
 * committed list no longer covers the classes a run loads from the jar (the code changed: the
 * message gives the command that regenerates the list) and when the run does not take them from the
 * archive (an archive that silently stops mapping, e.g. a class path that no longer matches the
 * entrypoint's {@code -jar}).
 *
 * <p>With {@code ZEROCRED_WRITE_ACTION_CLASSLIST=PATH} set ({@code it/testbed/action-classlist.sh}
 * sets it), the same two runs write the list to PATH first.
 *
 * <p>Hostile input: none reaches the archive. The list is build input from the repository, the
 * archive is made at image build and is root-owned and read-only inside the image; the workspace
 * (mounted at {@code /github/workspace}) and the agent's container (a sibling, which never mounts
 * {@code /opt/zerocred}) cannot write it. {@link #archive_isInTheImage_rootOwnedAndReadOnly} checks
 * the file's owner and mode.
 */
class ActionClassDataTest {
  static final String CLASS_LIST = "zerocred-action/src/main/cds/action.classlist";
  static final String REGENERATE = "bash it/testbed/action-classlist.sh";
  static final String WRITE_VARIABLE = "ZEROCRED_WRITE_ACTION_CLASSLIST";
  static final String ARCHIVE = "/opt/zerocred/zerocred.jsa";

  /** At least this share of the classes a run loads from the jar must be in the list. */
  private static final double MIN_COVERAGE = 0.95;

  /** At least this share of them must come from the archive at run time (it maps). */
  private static final double MIN_FROM_ARCHIVE = 0.90;

  /** Classes the JVM generates at run time: they cannot be in an archive, so not in the list. */
  private static final Pattern GENERATED = Pattern.compile("^(.*/)?\\$Proxy\\d+$");

  private static final Pattern CLASS_LOAD =
      Pattern.compile("\\[class,load\\] (\\S+) source: (.+)$");

  @TempDir Path root;

  private final String oauthToken = RunFixture.newOauthToken();
  private final String githubToken = "ghs_" + "x".repeat(36);
  private ActionJob job;
  private StandInGitHubApi github;

  @BeforeEach
  void job() throws IOException {
    job = new ActionJob(root);
    github = new StandInGitHubApi(new InetSocketAddress(job.gateway, 0), githubToken);
    job.githubApiUrl = github.url();
    String baseSha = job.commit("src/Discount.java", "class Discount {}\n", "base");
    String headSha =
        job.commit("src/Discount.java", "class Discount { int a(int p) { return p / 0; } }\n", "x");
    job.event(RunnerJob.pullRequestEvent(baseSha, headSha, "acme/widgets"));
    github.pullRequestFiles(
        List.of(
            new StandInGitHubApi.PullFile(
                "src/Discount.java",
                "modified",
                "@@ -1 +1 @@\n-class Discount {}\n+class Discount { int a(int p) { return p / 0; } }")));
  }

  @AfterEach
  void close() throws IOException {
    github.close();
    job.close();
  }

  @Test
  void actionRuns_loadTheJarsClassesFromTheImagesArchive_andTheCommittedListCoversThem()
      throws Exception {
    Run text = review("text", Reply.text("No findings."));
    assertThat(github.comments()).as(text.log).isNotEmpty();
    Run findings =
        review(
            "findings",
            Reply.structuredOutput(
                """
                {"summary": "Reviewed.", "findings": [{"file": "src/Discount.java", "startLine": 1,
                 "endLine": 1, "severity": "high", "category": "bug", "title": "Divides by zero",
                 "explanation": "p / 0 throws."}]}"""));

    Path listFile = TestDocker.repositoryRoot().resolve(CLASS_LIST);
    String writeTo = System.getProperty(WRITE_VARIABLE, System.getenv(WRITE_VARIABLE));
    if (writeTo != null && !writeTo.isBlank()) {
      listFile = Path.of(writeTo);
      writeClassList(listFile, List.of(text.classList, findings.classList));
    }
    assertThat(listFile).as("the committed class list; make it with " + REGENERATE).isRegularFile();
    Set<String> committed = classNames(Files.readAllLines(listFile));
    Set<String> jarClasses = jarClasses(ActionJob.image());
    assertThat(jarClasses).as("classes in the image's zerocred.jar").hasSizeGreaterThan(1000);

    for (Run run : List.of(text, findings)) {
      Set<String> fromJar = new TreeSet<>(classNames(run.classList));
      fromJar.retainAll(jarClasses);
      assertThat(fromJar)
          .as("zerocred classes the %s run loaded", run.name)
          .hasSizeGreaterThan(500);

      Set<String> missing = new TreeSet<>(fromJar);
      missing.removeAll(committed);
      double coverage = 1.0 - (double) missing.size() / fromJar.size();
      if (coverage < MIN_COVERAGE) {
        fail(
            "%s covers only %.1f%% of the %d classes the action's %s run loaded from zerocred.jar"
                + " (at least %.0f%% needed); the code has changed since it was made. Regenerate it"
                + " with `%s` and commit it. Missing, e.g.: %s",
            CLASS_LIST,
            100 * coverage,
            fromJar.size(),
            run.name,
            100 * MIN_COVERAGE,
            REGENERATE,
            missing.stream().limit(20).toList());
      }

      // Where each of them came from at run time: the archive, if it mapped.
      Map<String, String> sources = new HashMap<>();
      for (String line : run.classLoadLog) {
        Matcher m = CLASS_LOAD.matcher(line);
        if (m.find()) {
          sources.putIfAbsent(m.group(1).replace('.', '/'), m.group(2));
        }
      }
      long archived =
          fromJar.stream()
              .filter(c -> committed.contains(c))
              .filter(c -> sources.getOrDefault(c, "").startsWith("shared objects file"))
              .count();
      long listed = fromJar.size() - missing.size();
      // One line for whoever reads the build log: how the archive stands against the code.
      System.out.printf(
          "[ActionClassDataTest] %s run: %d zerocred.jar classes loaded, %.1f%% of them in the"
              + " list, %d taken from the archive, %d from the jar%n",
          run.name, fromJar.size(), 100 * coverage, archived, fromJar.size() - archived);
      assertThat((double) archived / listed)
          .as(
              "share of the %d listed classes the %s run took from %s, not from the jar: the"
                  + " archive must map (its class path must match the entrypoint's -jar). cds log:%n%s",
              listed, run.name, ARCHIVE, String.join("\n", run.cdsLog))
          .isGreaterThanOrEqualTo(MIN_FROM_ARCHIVE);
      assertThat(run.cdsLog)
          .as("the %s run opened the image's archive", run.name)
          .anyMatch(l -> l.contains("Opened archive " + ARCHIVE));
    }
  }

  @Test
  void archive_isInTheImage_rootOwnedAndReadOnly() throws Exception {
    String out =
        docker(
            "run",
            "--rm",
            "--network",
            "none",
            "--entrypoint",
            "stat",
            ActionJob.image(),
            "-c",
            "%U %G %a %s",
            ARCHIVE,
            "/opt/zerocred");

    List<String> lines = out.lines().toList();
    assertThat(lines).as(out).hasSize(2);
    String[] archive = lines.get(0).split(" ");
    assertThat(archive[0] + " " + archive[1]).isEqualTo("root root");
    // Nobody but root may write it, and the JVM maps it read-only: mode 444 or 644 at most.
    assertThat(Integer.parseInt(archive[2], 8) & 0022).as("group/other write bits").isZero();
    assertThat(Long.parseLong(archive[3])).as("archive size").isGreaterThan(10_000_000L);
    String[] dir = lines.get(1).split(" ");
    assertThat(dir[0]).isEqualTo("root");
    assertThat(Integer.parseInt(dir[2], 8) & 0022).as("/opt/zerocred write bits").isZero();
  }

  /** What one action run loaded: its class list, its class-load and cds logs. */
  private record Run(
      String name,
      List<String> classList,
      List<String> classLoadLog,
      List<String> cdsLog,
      String log) {}

  /** One review by the action image, its JVM listing the classes it loads. */
  private Run review(String name, Reply reply) throws Exception {
    Path classList = job.home.resolve(name + ".classlist");
    Path classLoad = job.home.resolve(name + ".class-load.log");
    Path cds = job.home.resolve(name + ".cds.log");
    Map<String, String> env = new HashMap<>();
    ActionJob.Result result;
    try (StandInAnthropicApi anthropic =
        StandInAnthropicApi.builder()
            .bind(new InetSocketAddress(job.gateway, 0))
            .expectToken(oauthToken)
            .defaultReply(reply)
            .start()) {
      anthropic.writeCaPem(job.home.resolve("stand-in-ca.pem"));
      env.put(
          "ZEROCRED_ROUTES",
          StandInAnthropicApi.API_HOST + "=" + job.gateway + ":" + anthropic.port());
      env.put("ZEROCRED_UPSTREAM_CA", "/github/home/stand-in-ca.pem");
      // Read by the JVM before the entrypoint's own options; paths in the runner's home mount.
      env.put(
          "JAVA_TOOL_OPTIONS",
          String.join(
              " ",
              "-XX:DumpLoadedClassList=/github/home/" + classList.getFileName(),
              "-Xlog:class+load=info:file=/github/home/" + classLoad.getFileName(),
              "-Xlog:cds=info:file=/github/home/" + cds.getFileName()));
      result = job.run(inputs(), env);
    }
    assertThat(result.exitCode()).as(result.log()).isZero();
    assertThat(classList).as(result.log()).isRegularFile();
    return new Run(
        name,
        Files.readAllLines(classList),
        Files.readAllLines(classLoad),
        Files.readAllLines(cds),
        result.log());
  }

  private Map<String, String> inputs() {
    return ActionJob.stickyReviewInputs(oauthToken, githubToken);
  }

  /**
   * The union of the runs' lists, less the classes the JVM generates at run time, sorted (classes,
   * then the {@code @} lambda lines, which the dump resolves once every class is loaded) so that a
   * regenerated list differs only where the classes do; our own header first.
   */
  static void writeClassList(Path file, List<List<String>> lists) throws IOException {
    Set<String> classes = new TreeSet<>();
    Set<String> lambdas = new TreeSet<>();
    for (List<String> list : lists) {
      for (String line : list) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#") || GENERATED.matcher(l).matches()) {
          continue;
        }
        (l.startsWith("@") ? lambdas : classes).add(l);
      }
    }
    List<String> out = new ArrayList<>();
    out.add("# The classes two real runs of the action image load (sorted): the image's");
    out.add("# class-data-sharing archive is dumped from this list at build (Dockerfile).");
    out.add(
        "# Made by two action reviews against stand-in APIs; regenerate it after code changes:");
    out.add("#   " + REGENERATE);
    out.add(
        "# ActionClassDataTest fails when it covers under 95% of what a run loads from the jar.");
    out.addAll(classes);
    out.addAll(lambdas);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, out, StandardCharsets.UTF_8);
  }

  /** The class names (internal form) of a class list, without comments and {@code @} lines. */
  static Set<String> classNames(List<String> list) {
    Set<String> names = new LinkedHashSet<>();
    for (String line : list) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith("@")) {
        continue;
      }
      int space = l.indexOf(' ');
      names.add(space < 0 ? l : l.substring(0, space));
    }
    return names;
  }

  /** The classes (internal names) in the image's own zerocred.jar, versioned entries included. */
  private Set<String> jarClasses(String image) throws Exception {
    Path jar = root.resolve("image-zerocred.jar");
    Process p =
        new ProcessBuilder(
                "docker",
                "run",
                "--rm",
                "--network",
                "none",
                "--entrypoint",
                "cat",
                image,
                "/opt/zerocred/zerocred.jar")
            .redirectOutput(jar.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0)
        .as("copied zerocred.jar out of " + image)
        .isTrue();
    Set<String> classes = new TreeSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
          continue;
        }
        name = name.substring(0, name.length() - ".class".length());
        if (name.startsWith("META-INF/versions/")) {
          name = name.substring(name.indexOf('/', "META-INF/versions/".length()) + 1);
        }
        classes.add(name);
      }
    }
    return classes;
  }

  private static String docker(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("docker finished").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
