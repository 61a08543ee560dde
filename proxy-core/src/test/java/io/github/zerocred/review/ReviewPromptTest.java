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
    assertThat(ReviewPrompt.resolve(null, null, dir, null, "p", "f"))
        .isEqualTo(ReviewPrompt.DEFAULT);
    assertThat(ReviewPrompt.resolve("  ", null, dir, " ", "p", "f"))
        .isEqualTo(ReviewPrompt.DEFAULT);
  }

  @Test
  void baseRef_namesTheChangesInTheBuiltInPrompt() {
    assertThat(ReviewPrompt.resolve(null, null, dir, "origin/main", "p", "f"))
        .startsWith(ReviewPrompt.DEFAULT)
        .contains("between origin/main and HEAD")
        .contains("`git diff origin/main...HEAD`");
  }

  @Test
  void ownPromptOrFile_win() throws IOException {
    Path file = Files.writeString(dir.resolve("p.md"), "From the file.");
    assertThat(ReviewPrompt.resolve("Mine.", null, dir, "main", "p", "f")).isEqualTo("Mine.");
    assertThat(ReviewPrompt.resolve(null, file, dir, null, "p", "f")).isEqualTo("From the file.");
  }

  @Test
  void bothOrAMissingFile_failNamingTheSettings() {
    Path file = dir.resolve("missing.md");
    assertThatThrownBy(
            () -> ReviewPrompt.resolve("x", file, dir, null, "--prompt", "--prompt-file"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("give --prompt or --prompt-file, not both");
    assertThatThrownBy(
            () -> ReviewPrompt.resolve(null, file, dir, null, "--prompt", "--prompt-file"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--prompt-file " + file + " does not exist");
  }

  @Test
  void aLinkToProcSelfEnviron_isRefusedNamingTheParameter_andNothingIsRead() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("prompt.md"), Path.of("/proc/self/environ"));

    assertThatThrownBy(() -> ReviewPrompt.readFile(link, dir, "prompt_file"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("prompt_file " + link + " is not inside the workspace")
        .hasMessageContaining("/proc/")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PATH="));
  }

  @Test
  void aPathEscapingTheWorkspace_isRefused() throws IOException {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(dir.resolve("secret.txt"), "outside");

    assertThatThrownBy(() -> ReviewPrompt.readFile(ws.resolve("../secret.txt"), ws, "promptFile"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("promptFile")
        .hasMessageContaining("is not inside the workspace");
  }

  @Test
  void aDirectoryOrAFifo_isRefused() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("sub"));
    assertThatThrownBy(() -> ReviewPrompt.readFile(sub, dir, "--prompt-file"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--prompt-file")
        .hasMessageContaining("not a regular file");

    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    // Opening a fifo would block until someone writes: it must be refused before any open.
    assertThatThrownBy(() -> ReviewPrompt.readFile(fifo, dir, "--prompt-file"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void aLinkInsideTheWorkspace_toAFileInsideIt_isRead() throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("docs/prompt.md"), "Review it.");
    Path link = Files.createSymbolicLink(dir.resolve("p.md"), Path.of("docs/prompt.md"));

    assertThat(ReviewPrompt.readFile(link, dir, "f")).isEqualTo("Review it.");
  }

  @Test
  void anOversizedFile_isRefused() throws IOException {
    Path big = dir.resolve("big.md");
    Files.write(big, new byte[ReviewPrompt.MAX_PROMPT_FILE_BYTES + 1]);

    assertThatThrownBy(() -> ReviewPrompt.readFile(big, dir, "f"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("at most");
  }
}
