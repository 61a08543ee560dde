package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.review.Quantities;
import io.github.zerocred.review.ReviewRequest;
import io.github.zerocred.review.ReviewSetting;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The three front ends offer the same settings, and the README's tables list what each really
 * offers: the Maven goal's {@code @Parameter}s, {@code zerocred review --help} and {@code
 * action.yml}. A setting one front end leaves out on purpose is listed here with the reason.
 */
class SettingsParityTest {
  /** The command line reads credentials only from the environment (options show up in ps). */
  private static final Set<ReviewSetting> NOT_IN_CLI =
      EnumSet.of(ReviewSetting.OAUTH_TOKEN, ReviewSetting.API_KEY, ReviewSetting.FAIL_ON_ERROR);

  /** The action reviews GITHUB_WORKSPACE from the event's base, into .zerocred. */
  private static final Set<ReviewSetting> NOT_IN_ACTION =
      EnumSet.of(
          ReviewSetting.WORKSPACE,
          ReviewSetting.BASE_REF,
          ReviewSetting.OUTPUT_DIRECTORY,
          // The action runs in a container on the runner's own engine: never a remote one.
          ReviewSetting.PROXY_PLACEMENT,
          ReviewSetting.PROXY_IMAGE);

  /** The action's settings for an internal gateway are environment variables of the step. */
  private static final Set<ReviewSetting> ACTION_ENVIRONMENT =
      EnumSet.of(ReviewSetting.ROUTES, ReviewSetting.UPSTREAM_CA);

  /** The Maven goal reads credentials from settings.xml (serverId) or the environment. */
  private static final Set<ReviewSetting> NOT_IN_MAVEN =
      EnumSet.of(ReviewSetting.OAUTH_TOKEN, ReviewSetting.API_KEY);

  private static final Pattern MOJO_PROPERTY =
      Pattern.compile("@Parameter\\(\\s*property = \"zerocred\\.(\\w+)\"");
  private static final Pattern MOJO_CASE = Pattern.compile("case ([A-Z_, ]+) -> \"(\\w+)\";");
  private static final Pattern FIRST_COLUMN = Pattern.compile("(?m)^\\| ([^|]+) \\|");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void everySetting_isOfferedByEveryFrontEnd_whereItMakesSense() throws IOException {
    Set<String> cliOptions = cliOptions();
    Set<String> actionInputs =
        GitHubYaml.map(action().get("inputs"), "inputs").keySet().stream()
            .map(String::valueOf)
            .collect(Collectors.toSet());
    String actionInputsSource = source("zerocred-action", "github/ActionInputs.java");
    Map<ReviewSetting, String> maven = mavenParameters();
    Set<String> mavenProperties = mavenProperties();
    for (ReviewSetting s : ReviewSetting.values()) {
      if (!NOT_IN_CLI.contains(s)) {
        assertThat(cliOptions).as("zerocred review offers %s", s).contains(ReviewCommand.option(s));
      }
      if (ACTION_ENVIRONMENT.contains(s)) {
        assertThat(actionInputsSource)
            .as("the action reads %s", s)
            .contains("\"" + ActionCommand.input(s) + "\"");
      } else if (!NOT_IN_ACTION.contains(s)) {
        assertThat(actionInputs).as("action.yml offers %s", s).contains(ActionCommand.input(s));
      }
      if (!NOT_IN_MAVEN.contains(s)) {
        assertThat(maven).as("the Maven goal names %s", s).containsKey(s);
        assertThat(mavenProperties).as("the Maven goal offers %s", s).contains(maven.get(s));
      }
    }
  }

  @Test
  void readmeTables_listExactlyWhatTheFrontEndsOffer() throws IOException {
    String readme =
        Files.readString(GitHubYaml.root().resolve("README.md"), StandardCharsets.UTF_8);
    assertThat(names(section(readme, "## One review from the command line")))
        .as("README's zerocred review table")
        .isEqualTo(cliOptions());
    Set<String> maven = new TreeSet<>();
    for (String cell : firstColumns(section(readme, "## The Maven plugin"))) {
      Matcher m = Pattern.compile("`zerocred\\.(\\w+)`").matcher(cell);
      while (m.find()) {
        maven.add(m.group(1));
      }
    }
    assertThat(maven).as("README's Maven table").isEqualTo(mavenProperties());
    assertThat(names(section(readme, "## Pull request reviews on GitHub")))
        .as("README's action table")
        .isEqualTo(
            GitHubYaml.map(action().get("inputs"), "inputs").keySet().stream()
                .map(String::valueOf)
                .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void defaults_areTheCoresEverywhere() throws IOException {
    Map<Object, Object> inputs = GitHubYaml.map(action().get("inputs"), "inputs");
    Duration timeout = Quantities.duration(ReviewRequest.DEFAULT_TIMEOUT, "timeout");
    assertThat(timeout).isEqualTo(io.github.zerocred.run.RunConfig.DEFAULT_TIMEOUT);
    assertThat(Quantities.bytes(ReviewRequest.DEFAULT_MEMORY, "memory"))
        .isEqualTo(io.github.zerocred.run.RunConfig.DEFAULT_MEMORY_BYTES);
    assertThat(Double.parseDouble(ReviewRequest.DEFAULT_CPUS))
        .isEqualTo(io.github.zerocred.run.RunConfig.DEFAULT_CPUS);
    assertThat(String.valueOf(GitHubYaml.map(inputs.get("timeout_minutes"), "t").get("default")))
        .isEqualTo(Long.toString(timeout.toMinutes()));
    assertThat(String.valueOf(GitHubYaml.map(inputs.get("memory"), "m").get("default")))
        .isEqualTo(ReviewRequest.DEFAULT_MEMORY);
    assertThat(String.valueOf(GitHubYaml.map(inputs.get("cpus"), "c").get("default")))
        .isEqualTo(ReviewRequest.DEFAULT_CPUS);
    assertThat(String.valueOf(GitHubYaml.map(inputs.get("fail_on_severity"), "f").get("default")))
        .isEqualTo(ReviewRequest.DEFAULT_FAIL_ON_SEVERITY);
  }

  @Test
  void theChecks_catchAFrontEndThatLacksASetting() {
    // The same comparison as above, on a table that lost a row.
    String table = "| `--timeout` | `30m` | x |\n| `--model` | — | y |\n";
    assertThat(names(table)).isEqualTo(new TreeSet<>(Set.of("--timeout", "--model")));
    assertThat(names(table)).isNotEqualTo(new TreeSet<>(Set.of("--timeout", "--model", "--cpus")));
  }

  private static Set<String> cliOptions() {
    CommandLine cli =
        new CommandLine(
            new ReviewCommand(Map.of(), new PrintWriter(new StringWriter()), StopSignal.manual()));
    return cli.getCommandSpec().options().stream()
        .map(OptionSpec::longestName)
        .filter(n -> !n.equals("--help") && !n.equals("--version"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The settings the Maven goal names, by the switch in {@code ReviewMojo.parameter}. */
  private static Map<ReviewSetting, String> mavenParameters() throws IOException {
    String source = source("zerocred-maven-plugin", "maven/ReviewMojo.java");
    String method = source.substring(source.indexOf("static String parameter(ReviewSetting"));
    Map<ReviewSetting, String> names = new java.util.EnumMap<>(ReviewSetting.class);
    Matcher m = MOJO_CASE.matcher(method);
    while (m.find()) {
      for (String constant : m.group(1).split(",\\s*")) {
        names.put(ReviewSetting.valueOf(constant.strip()), m.group(2));
      }
    }
    return names;
  }

  /** The goal's {@code @Parameter} properties: its own and its superclass's. */
  private static Set<String> mavenProperties() throws IOException {
    Set<String> properties = new TreeSet<>();
    for (String mojo : List.of("ReviewMojo", "AbstractRunnerImageMojo")) {
      Matcher m = MOJO_PROPERTY.matcher(source("zerocred-maven-plugin", "maven/" + mojo + ".java"));
      while (m.find()) {
        properties.add(m.group(1));
      }
    }
    return properties;
  }

  private static Map<Object, Object> action() throws IOException {
    return GitHubYaml.map(GitHubYaml.load(GitHubYaml.root().resolve("action.yml")), "action.yml");
  }

  private static String source(String module, String file) throws IOException {
    return Files.readString(
        GitHubYaml.root().resolve(module + "/src/main/java/io/github/zerocred").resolve(file),
        StandardCharsets.UTF_8);
  }

  /** The README's section under {@code heading}, up to the next section. */
  private static String section(String readme, String heading) {
    int start = readme.indexOf(heading);
    assertThat(start).as("README has %s", heading).isNotNegative();
    int end = readme.indexOf("\n## ", start + heading.length());
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static Set<String> firstColumns(String text) {
    Set<String> cells = new TreeSet<>();
    Matcher m = FIRST_COLUMN.matcher(text);
    while (m.find()) {
      cells.add(m.group(1));
    }
    return cells;
  }

  /** Every code-quoted name in a table's first column, except the header and its rule. */
  private static Set<String> names(String text) {
    Set<String> names = new TreeSet<>();
    for (String cell : firstColumns(text)) {
      Matcher m = CODE.matcher(cell);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
