package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * {@code action.yml} loads with a real YAML parser and keeps GitHub's rules for action metadata, as
 * GitHub's "Metadata syntax reference" and the runner's own action manifest schema ({@code
 * action_yaml.json} in the runner's sources) state them: {@code name}, {@code description} and
 * {@code runs} are required; every input and output has a description; input ids start with a
 * letter or {@code _} and hold only letters, digits, {@code -} and {@code _}, unique ignoring case
 * (the runner passes each as {@code INPUT_<ID IN UPPER CASE>}); an input's default may use only the
 * {@code github}, {@code strategy}, {@code matrix}, {@code job} and {@code runner} contexts and
 * {@code hashFiles}; a Docker action has {@code runs.using: docker} and a non-empty {@code
 * runs.image}, and {@code runs} holds only the keys a container action may have; branding colours
 * come from GitHub's fixed list. Before this test the file did not parse at all.
 */
class ActionMetadataTest {
  private static final Set<String> ROOT_KEYS =
      Set.of("name", "author", "description", "inputs", "outputs", "runs", "branding");
  private static final Set<String> INPUT_KEYS =
      Set.of("description", "required", "default", "deprecationMessage");
  private static final Set<String> CONTAINER_RUNS_KEYS =
      Set.of(
          "using",
          "image",
          "entrypoint",
          "args",
          "env",
          "pre-entrypoint",
          "pre-if",
          "post-entrypoint",
          "post-if");
  private static final Set<String> BRANDING_COLORS =
      Set.of("white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark");
  private static final Set<String> DEFAULT_CONTEXTS =
      Set.of("github", "strategy", "matrix", "job", "runner", "hashFiles");
  private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{(.*?)}}");
  private static final Pattern CONTEXT = Pattern.compile("^\\s*!?\\s*([A-Za-z_][A-Za-z0-9_]*)");

  @Test
  void actionYml_isValidYamlAndValidActionMetadata() throws IOException {
    List<String> problems = problems(GitHubYaml.load(GitHubYaml.root().resolve("action.yml")));
    assertThat(problems).isEmpty();
  }

  @Test
  void aPlainScalarHoldingColonSpace_isRejectedByTheParser_likeTheRunnerDoes() {
    // The exact shape that broke every user of the action: the runner refuses the whole file.
    assertThatThrownBy(
            () ->
                GitHubYaml.load(
                    "inputs:\n  t:\n    description: needs `pull-requests: write`. Stays.\n"))
        .isInstanceOf(YAMLException.class)
        .hasMessageContaining("mapping values are not allowed here");
  }

  @Test
  void theRules_catchWhatTheRunnerRefuses() {
    Object broken =
        GitHubYaml.load(
            String.join(
                "\n",
                "name: x",
                "inputs:",
                "  1bad:",
                "    description: d",
                "  Same:",
                "    description: d",
                "  same:",
                "    description: d",
                "  nodesc:",
                "    required: false",
                "  secret:",
                "    description: d",
                "    default: ${{ secrets.TOKEN }}",
                "outputs:",
                "  o: {}",
                "runs:",
                "  using: node20",
                "  main: index.js",
                "branding:",
                "  color: pink",
                ""));
    assertThat(problems(broken))
        .anySatisfy(p -> assertThat(p).contains("description is required"))
        .anySatisfy(p -> assertThat(p).contains("input id '1bad'"))
        .anySatisfy(p -> assertThat(p).contains("'same' is not unique"))
        .anySatisfy(p -> assertThat(p).contains("inputs.nodesc.description"))
        .anySatisfy(p -> assertThat(p).contains("context 'secrets'"))
        .anySatisfy(p -> assertThat(p).contains("outputs.o.description"))
        .anySatisfy(p -> assertThat(p).contains("runs.using must be docker"))
        .anySatisfy(p -> assertThat(p).contains("runs.main"))
        .anySatisfy(p -> assertThat(p).contains("branding.color"));
  }

  @Test
  void everyInput_isReadByTheAction_andEveryOutputIsSetByIt() throws IOException {
    Map<Object, Object> action =
        GitHubYaml.map(GitHubYaml.load(GitHubYaml.root().resolve("action.yml")), "action.yml");
    String inputsSource = source("github/ActionInputs.java");
    String reportSource = source("github/ActionReport.java");
    for (Object id : GitHubYaml.map(action.get("inputs"), "inputs").keySet()) {
      assertThat(inputsSource).as("ActionInputs reads input %s", id).contains("\"" + id + "\"");
    }
    for (Object id : GitHubYaml.map(action.get("outputs"), "outputs").keySet()) {
      assertThat(reportSource).as("ActionReport sets output %s", id).contains("\"" + id + "\"");
    }
  }

  private static String source(String file) throws IOException {
    return Files.readString(
        GitHubYaml.root().resolve("zerocred-action/src/main/java/io/github/zerocred").resolve(file),
        StandardCharsets.UTF_8);
  }

  /** Every way {@code action} breaks GitHub's rules for a Docker container action. */
  static List<String> problems(Object action) {
    List<String> problems = new ArrayList<>();
    Map<Object, Object> root = GitHubYaml.map(action, "action.yml");
    for (Object key : root.keySet()) {
      if (!ROOT_KEYS.contains(String.valueOf(key))) {
        problems.add("unknown top-level key " + key);
      }
    }
    for (String required : List.of("name", "description", "runs")) {
      if (!nonEmptyString(root.get(required)) && !(root.get(required) instanceof Map)) {
        problems.add(required + " is required");
      }
    }
    Set<String> seen = new HashSet<>();
    Object inputs = root.get("inputs");
    if (inputs != null) {
      GitHubYaml.map(inputs, "inputs")
          .forEach(
              (id, spec) -> {
                String name = String.valueOf(id);
                if (!ID.matcher(name).matches()) {
                  problems.add("input id '" + name + "' must start with a letter or _");
                }
                if (!seen.add(name.toUpperCase(Locale.ROOT))) {
                  problems.add("input id '" + name + "' is not unique ignoring case");
                }
                Map<Object, Object> input = GitHubYaml.map(spec, "inputs." + name);
                input.keySet().stream()
                    .map(String::valueOf)
                    .filter(k -> !INPUT_KEYS.contains(k))
                    .forEach(k -> problems.add("inputs." + name + "." + k + " is not a known key"));
                if (!nonEmptyString(input.get("description"))) {
                  problems.add("inputs." + name + ".description is required");
                }
                Object required = input.get("required");
                if (required != null && !(required instanceof Boolean)) {
                  problems.add("inputs." + name + ".required must be true or false");
                }
                Object def = input.get("default");
                if (def instanceof Map || def instanceof List) {
                  problems.add("inputs." + name + ".default must be a scalar");
                } else if (def != null) {
                  Matcher e = EXPRESSION.matcher(String.valueOf(def));
                  while (e.find()) {
                    Matcher c = CONTEXT.matcher(e.group(1));
                    if (c.find() && !DEFAULT_CONTEXTS.contains(c.group(1))) {
                      problems.add("inputs." + name + ".default uses context '" + c.group(1) + "'");
                    }
                  }
                }
              });
    }
    Object outputs = root.get("outputs");
    if (outputs != null) {
      GitHubYaml.map(outputs, "outputs")
          .forEach(
              (id, spec) -> {
                String name = String.valueOf(id);
                if (!ID.matcher(name).matches()) {
                  problems.add("output id '" + name + "' must start with a letter or _");
                }
                Map<Object, Object> output = GitHubYaml.map(spec, "outputs." + name);
                if (!nonEmptyString(output.get("description"))) {
                  problems.add("outputs." + name + ".description is required");
                }
                if (output.containsKey("value")) {
                  problems.add("outputs." + name + ".value is for composite actions only");
                }
              });
    }
    if (root.get("runs") instanceof Map<?, ?> runs) {
      if (!"docker".equals(runs.get("using"))) {
        problems.add("runs.using must be docker, is " + runs.get("using"));
      }
      if (!nonEmptyString(runs.get("image"))) {
        problems.add("runs.image is required for a Docker action");
      }
      runs.keySet().stream()
          .map(String::valueOf)
          .filter(k -> !CONTAINER_RUNS_KEYS.contains(k))
          .forEach(k -> problems.add("runs." + k + " is not a key of a container action"));
      if (runs.get("args") != null && !(runs.get("args") instanceof List)) {
        problems.add("runs.args must be a sequence");
      }
    }
    if (root.get("branding") instanceof Map<?, ?> branding) {
      Object color = branding.get("color");
      if (color != null && !BRANDING_COLORS.contains(String.valueOf(color))) {
        problems.add("branding.color " + color + " is not one of " + BRANDING_COLORS);
      }
      Object icon = branding.get("icon");
      if (icon != null && !String.valueOf(icon).matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        problems.add("branding.icon " + icon + " is not an icon name");
      }
    } else if (root.containsKey("branding")) {
      problems.add("branding must be a mapping");
    }
    return problems;
  }

  private static boolean nonEmptyString(Object value) {
    return value instanceof String s && !s.isBlank();
  }
}
