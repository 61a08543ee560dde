package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempDirectoryTest {

  @Test
  void close_removesTheTree_deletingALinkWithoutFollowingIt(@TempDir Path outside)
      throws Exception {
    Path kept = Files.writeString(outside.resolve("kept.txt"), "not the run's");
    List<String> warnings = new ArrayList<>();
    Path dir;
    try (TempDirectory temp = TempDirectory.create("zerocred-test-", warnings::add)) {
      dir = temp.path();
      Files.createDirectories(dir.resolve("a/b"));
      Files.writeString(dir.resolve("a/b/workspace.tar"), "x");
      Files.createSymbolicLink(dir.resolve("a/link"), outside);
    }

    assertThat(dir).doesNotExist();
    assertThat(kept).hasContent("not the run's");
    assertThat(warnings).isEmpty();
  }

  @Test
  void close_twice_fromEitherThread_removesOnceAndNeverThrows() throws Exception {
    List<String> warnings = new ArrayList<>();
    TempDirectory temp = TempDirectory.create("zerocred-test-", warnings::add);
    temp.close();
    Files.createDirectory(temp.path()); // a second close must not touch what is there now

    temp.close();

    assertThat(temp.path()).isDirectory();
    assertThat(warnings).isEmpty();
    Files.delete(temp.path());
  }
}
