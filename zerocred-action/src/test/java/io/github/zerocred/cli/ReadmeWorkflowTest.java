package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every workflow the project ships — the examples in its Markdown files (fenced {@code yaml} blocks
 * with {@code jobs:}, the README's among them) and any file under {@code .github/workflows} — loads
 * with a real YAML parser and has the shape GitHub's workflow syntax requires: {@code on}, {@code
 * jobs}, each job with {@code runs-on} and {@code steps}, each step exactly one of {@code uses} and
 * {@code run}, {@code permissions} with known scopes and levels. The example that uses zerocred
 * passes only inputs {@code action.yml} declares and checks out with {@code persist-credentials:
 * false}, so that the job's token is not in the {@code .git/config} the agent reads.
 */
class ReadmeWorkflowTest {
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Set<String> SCOPES =
      Set.of(
          "actions",
          "attestations",
          "checks",
          "contents",
          "deployments",
          "discussions",
          "id-token",
          "issues",
          "models",
          "packages",
          "pages",
          "pull-requests",
          "repository-projects",
          "security-events",
          "statuses");
  private static final Set<String> LEVELS = Set.of("read", "write", "none");

  @Test
  void everyShippedWorkflow_isValid() throws IOException {
    List<Object> workflows = workflows();
    assertThat(workflows).as("the README shows at least one workflow").isNotEmpty();
    for (Object w : workflows) {
      assertThat(problems(w)).isEmpty();
    }
  }

  @Test
  void theZerocredExample_checksOutWithoutCredentials_andPassesOnlyDeclaredInputs()
      throws IOException {
    Map<Object, Object> action =
        GitHubYaml.map(GitHubYaml.load(GitHubYaml.root().resolve("action.yml")), "action.yml");
    Set<Object> declared = GitHubYaml.map(action.get("inputs"), "inputs").keySet();
    int zerocredSteps = 0;
    for (Object w : workflows()) {
      for (Map<Object, Object> step : steps(w)) {
        String uses = String.valueOf(step.getOrDefault("uses", ""));
        Map<Object, Object> with =
            step.get("with") == null ? Map.of() : GitHubYaml.map(step.get("with"), "with");
        if (uses.startsWith("actions/checkout@")) {
          assertThat(with.get("persist-credentials"))
              .as("actions/checkout must not leave the job's token in .git/config")
              .isEqualTo(false);
        }
        if (uses.contains("zerocred-action@")) {
          zerocredSteps++;
          assertThat(declared).containsAll(with.keySet());
        }
      }
    }
    assertThat(zerocredSteps).isPositive();
  }

  @Test
  void theChecks_catchABrokenWorkflow() {
    Object broken =
        GitHubYaml.load(
            String.join(
                "\n",
                "name: x",
                "permissions:",
                "  pull_requests: write",
                "jobs:",
                "  review:",
                "    steps:",
                "      - uses: a/b@v1",
                "        run: echo both",
                ""));
    assertThat(problems(broken))
        .anySatisfy(p -> assertThat(p).contains("'on' is required"))
        .anySatisfy(p -> assertThat(p).contains("pull_requests"))
        .anySatisfy(p -> assertThat(p).contains("runs-on"))
        .anySatisfy(p -> assertThat(p).contains("exactly one of uses and run"));
  }

  static List<Object> workflows() throws IOException {
    List<Object> workflows = new ArrayList<>();
    Path root = GitHubYaml.root();
    // Every Markdown file the project ships (not build output), README.md among them.
    try (Stream<Path> files = Files.walk(root)) {
      for (Path md :
          files
              .filter(p -> p.toString().endsWith(".md"))
              .filter(p -> !root.relativize(p).toString().matches("(.*/)?(target|\\.git)/.*"))
              .sorted()
              .toList()) {
        for (String block : GitHubYaml.fencedYamlBlocks(md)) {
          if (block.contains("\njobs:") || block.startsWith("jobs:")) {
            workflows.add(GitHubYaml.load(block));
          }
        }
      }
    }
    Path dir = root.resolve(".github/workflows");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).toList()) {
          workflows.add(GitHubYaml.load(f));
        }
      }
    }
    return workflows;
  }

  private static List<Map<Object, Object>> steps(Object workflow) {
    List<Map<Object, Object>> steps = new ArrayList<>();
    Map<Object, Object> jobs =
        GitHubYaml.map(GitHubYaml.map(workflow, "workflow").get("jobs"), "jobs");
    for (Object job : jobs.values()) {
      Object s = GitHubYaml.map(job, "job").get("steps");
      if (s != null) {
        GitHubYaml.list(s, "steps").forEach(step -> steps.add(GitHubYaml.map(step, "step")));
      }
    }
    return steps;
  }

  static List<String> problems(Object workflow) {
    List<String> problems = new ArrayList<>();
    Map<Object, Object> root = GitHubYaml.map(workflow, "workflow");
    // YAML 1.1 reads a bare `on` key as the boolean true; GitHub reads it as the key "on".
    if (!root.containsKey("on") && !root.containsKey(Boolean.TRUE)) {
      problems.add("'on' is required");
    }
    permissions(root.get("permissions"), "permissions", problems);
    if (!(root.get("jobs") instanceof Map<?, ?> jobs) || jobs.isEmpty()) {
      problems.add("jobs is required and must map job ids to jobs");
      return problems;
    }
    jobs.forEach(
        (id, spec) -> {
          String job = "jobs." + id;
          if (!JOB_ID.matcher(String.valueOf(id)).matches()) {
            problems.add(job + ": a job id starts with a letter or _");
          }
          if (!(spec instanceof Map<?, ?> j)) {
            problems.add(job + " must be a mapping");
            return;
          }
          permissions(j.get("permissions"), job + ".permissions", problems);
          if (j.containsKey("uses")) {
            return; // a reusable workflow call has neither runs-on nor steps
          }
          if (j.get("runs-on") == null) {
            problems.add(job + ".runs-on is required");
          }
          if (!(j.get("steps") instanceof List<?> steps) || steps.isEmpty()) {
            problems.add(job + ".steps is required");
            return;
          }
          for (int i = 0; i < steps.size(); i++) {
            String where = job + ".steps[" + i + "]";
            if (!(steps.get(i) instanceof Map<?, ?> step)) {
              problems.add(where + " must be a mapping");
              continue;
            }
            boolean uses = step.get("uses") instanceof String u && !u.isBlank();
            boolean run = step.get("run") instanceof String r && !r.isBlank();
            if (uses == run) {
              problems.add(where + " must have exactly one of uses and run");
            }
            if (step.get("with") != null && !(step.get("with") instanceof Map)) {
              problems.add(where + ".with must be a mapping");
            }
            if (run && step.containsKey("with")) {
              problems.add(where + ".with belongs to a uses step");
            }
          }
        });
    return problems;
  }

  private static void permissions(Object permissions, String where, List<String> problems) {
    if (permissions == null) {
      return;
    }
    if (permissions instanceof String s) {
      if (!Set.of("read-all", "write-all").contains(s)) {
        problems.add(where + " must be read-all, write-all or a mapping");
      }
      return;
    }
    if (!(permissions instanceof Map<?, ?> scopes)) {
      problems.add(where + " must be read-all, write-all or a mapping");
      return;
    }
    scopes.forEach(
        (scope, level) -> {
          if (!SCOPES.contains(String.valueOf(scope))) {
            problems.add(where + "." + scope + " is not a permission scope");
          }
          if (!LEVELS.contains(String.valueOf(level))) {
            problems.add(where + "." + scope + " must be read, write or none");
          }
        });
  }
}
