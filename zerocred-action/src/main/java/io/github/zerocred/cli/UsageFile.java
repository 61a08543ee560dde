package io.github.zerocred.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.proxy.ZerocredException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code --usage-file}: the proxy's measured usage as JSON (the fields of {@link ProxyUsage}),
 * written atomically so whoever collects it never reads half of it.
 */
final class UsageFile {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private UsageFile() {}

  static void write(Path file, ProxyUsage usage) {
    Path target = file.toAbsolutePath();
    try {
      Path temp = PrivateFiles.createFile(target.getParent(), ".zerocred-usage-", ".tmp");
      try {
        Files.writeString(temp, JSON.writeValueAsString(usage) + "\n");
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new ZerocredException("cannot write the usage file " + target + ": " + e, e);
    }
  }
}
