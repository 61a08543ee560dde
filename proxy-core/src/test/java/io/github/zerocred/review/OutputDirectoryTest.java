package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.findings.FindingsFiles;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkout is the pull request author's: its {@code .zerocred} and the output directory a user
 * points into it may be links to anywhere. Nothing is ever written through one.
 */
class OutputDirectoryTest {
  private static final String GIT_CONFIG = "[core]\n\trepositoryformatversion = 0\n";

  @TempDir Path root;
  Path workspace;
  Path outside;

  @BeforeEach
  void checkout() throws IOException {
    workspace = Files.createDirectories(root.resolve("ws"));
    outside = Files.createDirectories(root.resolve("somewhere"));
    Files.createDirectories(workspace.resolve(".git"));
    Files.writeString(workspace.resolve(".git/config"), GIT_CONFIG);
  }

  @Test
  void aDirectoryLink_isRefusedNamingTheParameter_andNothingIsWritten() throws IOException {
    Files.createSymbolicLink(workspace.resolve(".zerocred"), Path.of("../somewhere"));

    assertThatThrownBy(
            () -> OutputDirectory.open(workspace.resolve(".zerocred"), workspace, "--output-dir"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--output-dir")
        .hasMessageContaining("symbolic link")
        .hasMessageContaining("../somewhere");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aLinkAmongTheParentsInsideTheWorkspace_isRefused() throws IOException {
    // Maven's default target/zerocred: a checkout can make target a link.
    Files.createSymbolicLink(workspace.resolve("target"), outside);

    assertThatThrownBy(
            () ->
                OutputDirectory.open(
                    workspace.resolve("target/zerocred"), workspace, "outputDirectory"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("outputDirectory")
        .hasMessageContaining("target");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aFileWhereTheDirectoryGoes_isRefused() throws IOException {
    Files.writeString(workspace.resolve(".zerocred"), "x");

    assertThatThrownBy(() -> OutputDirectory.open(workspace.resolve(".zerocred"), workspace, "p"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("not a directory");
    assertThat(workspace.resolve(".zerocred")).hasContent("x");
  }

  @Test
  void aDanglingDirectoryLink_isRefused_andItsTargetIsNotCreated() throws IOException {
    Files.createSymbolicLink(workspace.resolve(".zerocred"), root.resolve("nowhere"));

    assertThatThrownBy(() -> OutputDirectory.open(workspace.resolve(".zerocred"), workspace, "p"))
        .isInstanceOf(InvalidConfigurationException.class);
    assertThat(root.resolve("nowhere")).doesNotExist();
  }

  @Test
  void fileLinksInsideTheDirectory_areReplaced_neverFollowed() throws IOException {
    Path out = Files.createDirectories(workspace.resolve(".zerocred"));
    Files.createSymbolicLink(out.resolve("review.md"), Path.of("../.git/config"));
    Files.createSymbolicLink(out.resolve("findings.sarif"), outside.resolve("x.sarif"));
    Files.createSymbolicLink(out.resolve("review.json"), root.resolve("dangling"));
    Files.createSymbolicLink(out.resolve("audit.jsonl"), outside.resolve("audit"));
    RunResult crafted =
        io.github.zerocred.review.ProgressLinesTest.result(
            RunResult.Outcome.CLAUDE_ERROR, "failed");

    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(out, workspace, ".zerocred"));
    files.write(
        crafted,
        ReviewFindings.plainText("[core]\n\tfsmonitor = \"touch /pwned\"", List.of()),
        "1");

    assertThat(workspace.resolve(".git/config")).hasContent(GIT_CONFIG);
    assertThat(outside).isEmptyDirectory();
    assertThat(root.resolve("dangling")).doesNotExist();
    for (String name :
        List.of("review.md", "review.json", "audit.jsonl", FindingsFiles.FINDINGS_SARIF)) {
      assertThat(Files.isSymbolicLink(out.resolve(name))).as(name).isFalse();
      assertThat(Files.isRegularFile(out.resolve(name), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
  }

  @Test
  void write_replacesALinkAtomically_andLeavesNoTemporaryFile() throws IOException {
    OutputDirectory dir = OutputDirectory.open(workspace.resolve("out"), workspace, "p");
    Files.createSymbolicLink(dir.resolve("review.md"), workspace.resolve(".git/config"));

    dir.write("review.md", "hello\n");

    assertThat(dir.resolve("review.md")).hasContent("hello\n");
    assertThat(workspace.resolve(".git/config")).hasContent(GIT_CONFIG);
    try (Stream<Path> files = Files.list(dir.path())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("review.md");
    }
  }

  @Test
  void copyFrom_replacesALink_withTheSourcesBytes() throws IOException {
    OutputDirectory dir = OutputDirectory.open(workspace.resolve(".zerocred"), workspace, "p");
    Files.createSymbolicLink(dir.resolve("audit.jsonl"), workspace.resolve(".git/config"));
    Path source = Files.writeString(root.resolve("audit-source"), "{\"a\":1}\n");

    dir.copyFrom(source, "audit.jsonl");

    assertThat(dir.resolve("audit.jsonl")).hasContent("{\"a\":1}\n");
    assertThat(workspace.resolve(".git/config")).hasContent(GIT_CONFIG);
  }

  @Test
  void aDirectoryOfAnotherUser_isRefused() throws IOException {
    // Only root can give a directory away; the suite runs as root in CI and on the dev machines.
    Assumptions.assumeTrue(
        (Integer) Files.getAttribute(root, "unix:uid") == 0, "needs root to chown a directory");
    Path theirs = Files.createDirectories(workspace.resolve(".zerocred"));
    Files.setAttribute(theirs, "unix:uid", 4321);

    assertThatThrownBy(() -> OutputDirectory.open(theirs, workspace, "p"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("belongs to user 4321");
  }

  @Test
  void open_createsMissingParents_andAcceptsItsOwnDirectoryAgain() throws IOException {
    Path target = workspace.resolve("target/zerocred");

    OutputDirectory first = OutputDirectory.open(target, workspace, "p");
    OutputDirectory again = OutputDirectory.open(target, workspace, "p");

    assertThat(first.path()).isEqualTo(again.path()).isDirectory();
  }

  @Test
  void resolve_refusesAnythingButAFileName() throws IOException {
    OutputDirectory dir = OutputDirectory.open(workspace.resolve("o"), workspace, "p");

    assertThatThrownBy(() -> dir.resolve("../x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dir.resolve("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dir.resolve("..")).isInstanceOf(IllegalArgumentException.class);
  }
}
