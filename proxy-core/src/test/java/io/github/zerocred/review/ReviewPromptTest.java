package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewPromptTest {
  @TempDir Path dir;

  @Test
  void nothingGiven_isTheBuiltInPrompt() {
    assertThat(ReviewPrompt.resolve(null, null, null, "p", "f")).isEqualTo(ReviewPrompt.DEFAULT);
    assertThat(ReviewPrompt.resolve("  ", null, " ", "p", "f")).isEqualTo(ReviewPrompt.DEFAULT);
  }

  @Test
  void baseRef_namesTheChangesInTheBuiltInPrompt() {
    assertThat(ReviewPrompt.resolve(null, null, "origin/main", "p", "f"))
        .startsWith(ReviewPrompt.DEFAULT)
        .contains("between origin/main and HEAD")
        .contains("`git diff origin/main...HEAD`");
  }

  @Test
  void ownPromptOrFile_win() throws IOException {
    Path file = Files.writeString(dir.resolve("p.md"), "From the file.");
    assertThat(ReviewPrompt.resolve("Mine.", null, "main", "p", "f")).isEqualTo("Mine.");
    assertThat(ReviewPrompt.resolve(null, file, null, "p", "f")).isEqualTo("From the file.");
  }

  @Test
  void bothOrAMissingFile_failNamingTheSettings() {
    Path file = dir.resolve("missing.md");
    assertThatThrownBy(() -> ReviewPrompt.resolve("x", file, null, "--prompt", "--prompt-file"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("give --prompt or --prompt-file, not both");
    assertThatThrownBy(() -> ReviewPrompt.resolve(null, file, null, "--prompt", "--prompt-file"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--prompt-file " + file + " does not exist");
  }
}
