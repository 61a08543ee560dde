package io.github.zerocred.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: this program's version and the Claude Code CLI version it was tested with. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    Properties properties = load();
    return new String[] {
      "zerocred " + properties.getProperty("version", "unknown"),
      "tested with Claude Code CLI " + properties.getProperty("claudeCodeVersion", "unknown"),
    };
  }

  /** zerocred's own version, e.g. for SARIF's {@code tool.driver.version}. */
  static String version() {
    return load().getProperty("version", "unknown");
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the version of zerocred", e);
    }
    return properties;
  }
}
