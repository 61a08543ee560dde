package io.github.zerocred.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads the YAML files the project ships ({@code action.yml}, the README's workflows) the way the
 * runner must: with a real parser that refuses duplicate keys, and finds the repository's root.
 */
final class GitHubYaml {
  private static final Pattern FENCED_YAML =
      Pattern.compile("(?ms)^```yaml\\n(.*?)^```\\s*$", Pattern.MULTILINE);

  private GitHubYaml() {}

  /** The reactor's root: the first folder upwards that holds {@code action.yml}. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("action.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no action.yml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** One YAML document as plain maps, lists and scalars; a duplicate key is an error. */
  static Object load(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new SafeConstructor(options)).load(text);
  }

  static Object load(Path file) throws IOException {
    return load(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Every fenced {@code yaml} block of a Markdown file, in order. */
  static List<String> fencedYamlBlocks(Path markdown) throws IOException {
    List<String> blocks = new ArrayList<>();
    Matcher m = FENCED_YAML.matcher(Files.readString(markdown, StandardCharsets.UTF_8));
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @SuppressWarnings("unchecked")
  static Map<Object, Object> map(Object node, String where) {
    if (!(node instanceof Map)) {
      throw new AssertionError(where + " must be a mapping, is " + describe(node));
    }
    return (Map<Object, Object>) node;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node, String where) {
    if (!(node instanceof List)) {
      throw new AssertionError(where + " must be a sequence, is " + describe(node));
    }
    return (List<Object>) node;
  }

  private static String describe(Object node) {
    return node == null ? "empty" : node.getClass().getSimpleName() + " " + node;
  }
}
