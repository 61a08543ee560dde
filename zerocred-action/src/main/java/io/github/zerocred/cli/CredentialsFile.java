package io.github.zerocred.cli;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --credentials-file}: the credential variables as {@code NAME=value} lines, read once and
 * deleted, so that a proxy container holds them only in memory once it listens. Error messages name
 * the file and the line number, never a value.
 */
final class CredentialsFile {
  private static final Set<String> NAMES =
      Set.of(Credentials.OAUTH_VARIABLE, Credentials.API_KEY_VARIABLE, Credentials.GITHUB_VARIABLE);
  private static final long MAX_BYTES = 64 * 1024;

  private CredentialsFile() {}

  /** The variables in {@code file}; the file is gone afterwards, also when it was malformed. */
  static Map<String, String> readAndDelete(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidConfigurationException(
            "--credentials-file " + file + " is not a regular file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new InvalidConfigurationException(
            "--credentials-file " + file + " is larger than " + MAX_BYTES + " bytes");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Map<String, String> vars = new HashMap<>();
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty()) {
          continue;
        }
        int eq = line.indexOf('=');
        String name = eq < 0 ? "" : line.substring(0, eq);
        if (!NAMES.contains(name)) {
          throw new InvalidConfigurationException(
              "--credentials-file "
                  + file
                  + " line "
                  + (i + 1)
                  + " is not NAME=value with NAME one of "
                  + Credentials.OAUTH_VARIABLE
                  + ", "
                  + Credentials.API_KEY_VARIABLE
                  + ", "
                  + Credentials.GITHUB_VARIABLE);
        }
        vars.put(name, line.substring(eq + 1));
      }
      return vars;
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          "--credentials-file " + file + " cannot be read: " + e.getClass().getSimpleName(), e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Reported by nobody: the proxy container's file goes away with the container.
      }
    }
  }
}
