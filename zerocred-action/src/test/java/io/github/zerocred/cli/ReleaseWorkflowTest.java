package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's own workflows ({@code .github/workflows}) are what publishes the action image and
 * the Maven artifacts, so what a compromised dependency or a hostile pull request could do with
 * them matters. Hostile inputs here: a tag or branch name, a pull request's title or body (event
 * fields), and a third-party action whose tag is moved to other code. The checks: every action is
 * pinned to a full commit SHA; no script expands {@code ${{ … }}} (event fields and secrets reach
 * scripts only as environment variables, so they cannot become shell code); every workflow declares
 * its token's permissions, write scopes only in the job that needs them; the release runs only on
 * version tags, CI on pull requests never gets a secret; and the script that points the release's
 * {@code action.yml} at the pushed image changes that one line or nothing.
 */
class ReleaseWorkflowTest {
  private static final Pattern PINNED = Pattern.compile("[\\w.-]+/[\\w./-]+@[0-9a-f]{40}");
  // Examples may name the owner as a placeholder (<org>); the reference must be a version or SHA.
  private static final Pattern VERSIONED =
      Pattern.compile("[^@\\s]+@(v\\d+(\\.\\d+)*|[0-9a-f]{40})");

  private final Path root = GitHubYaml.root();

  @Test
  void everyShippedWorkflow_pinsEveryActionToACommitSha() throws IOException {
    Map<String, Map<Object, Object>> workflows = dotGithubWorkflows();
    assertThat(workflows).containsKeys("ci.yml", "release.yml");
    workflows.forEach(
        (file, workflow) -> {
          for (String uses : uses(workflow)) {
            assertThat(uses)
                .as(file + ": a tag can be moved to other code; pin %s to a commit SHA", uses)
                .matches(PINNED);
          }
        });
  }

  @Test
  void everyExampleWorkflow_namesAnActionVersion_neverABranch() throws IOException {
    for (Object workflow : ReadmeWorkflowTest.workflows()) {
      for (String uses : uses(GitHubYaml.map(workflow, "workflow"))) {
        if (!uses.startsWith("./") && !uses.startsWith("docker://")) {
          assertThat(uses).as("an example's action reference").matches(VERSIONED);
        }
      }
    }
  }

  @Test
  void noScript_expandsAnExpression() throws IOException {
    dotGithubWorkflows()
        .forEach(
            (file, workflow) ->
                steps(workflow)
                    .forEach(
                        (where, step) -> {
                          if (step.get("run") instanceof String run) {
                            assertThat(run)
                                .as(
                                    file
                                        + " "
                                        + where
                                        + ": pass values through env, an expression in a script"
                                        + " becomes shell code")
                                .doesNotContain("${{");
                          }
                        }));
  }

  @Test
  void everyShippedWorkflow_declaresItsPermissions_neverWriteAll() throws IOException {
    dotGithubWorkflows()
        .forEach(
            (file, workflow) -> {
              assertThat(workflow).as(file + " declares permissions").containsKey("permissions");
              jobs(workflow)
                  .forEach(
                      (id, job) -> {
                        assertThat(effectivePermissions(workflow, job))
                            .as(file + " jobs." + id + " permissions")
                            .isNotNull()
                            .isNotEqualTo("write-all");
                      });
              assertThat(workflow.get("permissions")).isNotEqualTo("write-all");
            });
  }

  @Test
  void ci_runsPullRequestsWithAReadOnlyToken_andNoSecrets() throws IOException {
    Path file = root.resolve(".github/workflows/ci.yml");
    Map<Object, Object> ci = GitHubYaml.map(GitHubYaml.load(file), "ci.yml");
    Map<Object, Object> on = GitHubYaml.map(on(ci), "ci.yml on");

    assertThat(on).containsKey("pull_request").doesNotContainKey("pull_request_target");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).doesNotContain("secrets.");
    jobs(ci)
        .forEach(
            (id, job) ->
                assertThat(writeScopes(effectivePermissions(ci, job))).as("jobs." + id).isEmpty());
    assertThat(runs(ci)).anySatisfy(run -> assertThat(run).contains("bash .ci/run"));
  }

  @Test
  void release_runsOnlyOnVersionTags_andWritesOnlyWhereItMust() throws IOException {
    Map<Object, Object> release =
        GitHubYaml.map(
            GitHubYaml.load(root.resolve(".github/workflows/release.yml")), "release.yml");

    Map<Object, Object> on = GitHubYaml.map(on(release), "release.yml on");
    assertThat(on.keySet()).containsExactly("push");
    Map<Object, Object> push = GitHubYaml.map(on.get("push"), "on.push");
    assertThat(push.keySet()).containsExactly("tags");
    assertThat(GitHubYaml.list(push.get("tags"), "on.push.tags"))
        .containsExactly("v[0-9]+.[0-9]+.[0-9]+");
    assertThat(release.get("permissions")).isEqualTo(Map.of());

    Map<String, Set<String>> writers = new TreeMap<>();
    jobs(release)
        .forEach(
            (id, job) -> {
              Set<String> scopes = writeScopes(job.get("permissions"));
              if (!scopes.isEmpty()) {
                writers.put(String.valueOf(id), scopes);
              }
            });
    // The image job pushes to ghcr.io; the release commit moves the tags. Nothing else writes.
    assertThat(writers)
        .isEqualTo(Map.of("image", Set.of("packages"), "release-commit", Set.of("contents")));
    assertThat(uses(jobs(release).get("image")))
        .anySatisfy(u -> assertThat(u).startsWith("docker/build-push-action@"));
    assertThat(runs(Map.of("jobs", Map.of("j", jobs(release).get("release-commit")))))
        .anySatisfy(r -> assertThat(r).contains("bash .ci/release/pin-action-image.sh"));
    // Tests first: nothing is published from a commit whose tests did not pass.
    for (String job : List.of("image", "maven")) {
      assertThat(String.valueOf(jobs(release).get(job).get("needs"))).contains("test");
    }
    assertThat(String.valueOf(jobs(release).get("release-commit").get("needs")))
        .contains("image", "maven");
  }

  @Test
  void pinActionImage_changesOnlyTheImageLine(@TempDir Path dir) throws Exception {
    Path actionYml = Files.copy(root.resolve("action.yml"), dir.resolve("action.yml"));
    Map<Object, Object> before = GitHubYaml.map(GitHubYaml.load(actionYml), "action.yml");

    Result result = pin(actionYml, "Some-Org", "1.12.0");

    assertThat(result.exit).as(result.stderr).isZero();
    assertThat(result.stdout.strip()).isEqualTo("docker://ghcr.io/some-org/zerocred-action:1.12.0");
    Map<Object, Object> after = GitHubYaml.map(GitHubYaml.load(actionYml), "action.yml");
    Map<Object, Object> expected = new LinkedHashMap<>(before);
    Map<Object, Object> runs = new LinkedHashMap<>(GitHubYaml.map(before.get("runs"), "runs"));
    runs.put("image", "docker://ghcr.io/some-org/zerocred-action:1.12.0");
    expected.put("runs", runs);
    assertThat(after).isEqualTo(expected);
    // Once pinned there is no Dockerfile line left to rewrite: a second run changes nothing.
    assertThat(pin(actionYml, "some-org", "1.12.1").exit).isNotZero();
  }

  @Test
  void pinActionImage_refusesAHostileOwnerOrVersion_andChangesNothing(@TempDir Path dir)
      throws Exception {
    Path actionYml = Files.copy(root.resolve("action.yml"), dir.resolve("action.yml"));
    byte[] original = Files.readAllBytes(actionYml);

    for (String[] bad :
        new String[][] {
          {"org", "1.2"},
          {"org", "1.2.3-rc1"},
          {"org", "01.2.3"},
          {"org", "1.2.3\n  image: docker://evil"},
          {"org/other", "1.2.3"},
          {"org|x", "1.2.3"},
          {"-org", "1.2.3"},
          {"", "1.2.3"}
        }) {
      Result result = pin(actionYml, bad[0], bad[1]);
      assertThat(result.exit).as("owner %s version %s", bad[0], bad[1]).isNotZero();
      assertThat(result.stderr).contains("[pin-action-image]");
      assertThat(Files.readAllBytes(actionYml)).isEqualTo(original);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file left behind").containsExactly(actionYml);
    }
  }

  private record Result(int exit, String stdout, String stderr) {}

  private Result pin(Path actionYml, String owner, String version) throws Exception {
    Process p =
        new ProcessBuilder(
                "bash",
                root.resolve(".ci/release/pin-action-image.sh").toString(),
                owner,
                version,
                actionYml.toString())
            .start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private Map<String, Map<Object, Object>> dotGithubWorkflows() throws IOException {
    Map<String, Map<Object, Object>> workflows = new TreeMap<>();
    try (Stream<Path> files = Files.list(root.resolve(".github/workflows"))) {
      for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).toList()) {
        String name = f.getFileName().toString();
        workflows.put(name, GitHubYaml.map(GitHubYaml.load(f), name));
      }
    }
    return workflows;
  }

  /** YAML 1.1 reads a bare {@code on} key as the boolean true; GitHub reads it as "on". */
  private static Object on(Map<Object, Object> workflow) {
    return workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE);
  }

  private static Map<Object, Map<Object, Object>> jobs(Map<Object, Object> workflow) {
    Map<Object, Map<Object, Object>> jobs = new LinkedHashMap<>();
    GitHubYaml.map(workflow.get("jobs"), "jobs")
        .forEach((id, job) -> jobs.put(id, GitHubYaml.map(job, "jobs." + id)));
    return jobs;
  }

  private static Map<String, Map<Object, Object>> steps(Map<Object, Object> workflow) {
    Map<String, Map<Object, Object>> steps = new LinkedHashMap<>();
    jobs(workflow)
        .forEach(
            (id, job) -> {
              if (job.get("steps") != null) {
                List<Object> list = GitHubYaml.list(job.get("steps"), "jobs." + id + ".steps");
                for (int i = 0; i < list.size(); i++) {
                  steps.put(
                      "jobs." + id + ".steps[" + i + "]", GitHubYaml.map(list.get(i), "step"));
                }
              }
            });
    return steps;
  }

  private static List<String> runs(Map<Object, Object> workflow) {
    List<String> runs = new ArrayList<>();
    steps(workflow).values().forEach(s -> runs.add(String.valueOf(s.getOrDefault("run", ""))));
    return runs;
  }

  /** Every {@code uses:} of a workflow (steps and reusable-workflow jobs) or of one job. */
  private static List<String> uses(Map<Object, Object> workflowOrJob) {
    List<String> uses = new ArrayList<>();
    Map<Object, Object> workflow =
        workflowOrJob.containsKey("jobs")
            ? workflowOrJob
            : Map.of("jobs", Map.of("j", workflowOrJob));
    jobs(workflow)
        .forEach(
            (id, job) -> {
              if (job.get("uses") instanceof String u) {
                uses.add(u);
              }
            });
    steps(workflow)
        .values()
        .forEach(
            step -> {
              if (step.get("uses") instanceof String u) {
                uses.add(u);
              }
            });
    return uses;
  }

  /** A job's own permissions, else the workflow's; null when neither declares any. */
  private static Object effectivePermissions(
      Map<Object, Object> workflow, Map<Object, Object> job) {
    return job.containsKey("permissions") ? job.get("permissions") : workflow.get("permissions");
  }

  private static Set<String> writeScopes(Object permissions) {
    if (permissions == null) {
      return Set.of();
    }
    if (permissions instanceof String s) {
      return s.equals("write-all") ? Set.of("*") : Set.of();
    }
    Set<String> scopes = new java.util.TreeSet<>();
    GitHubYaml.map(permissions, "permissions")
        .forEach(
            (scope, level) -> {
              if ("write".equals(level)) {
                scopes.add(String.valueOf(scope));
              }
            });
    return scopes;
  }
}
