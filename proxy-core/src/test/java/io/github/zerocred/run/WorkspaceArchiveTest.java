package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.Secret;
import io.github.zerocred.workspace.TestGit;
import io.github.zerocred.workspace.WorkspaceFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace's archive with {@code workspaceFiles} tracked and all: what goes in, what stays
 * out, and what happens when the checkout's git index is missing, elsewhere, or hostile. Git runs
 * here only to make the test's own repositories.
 */
class WorkspaceArchiveTest {
  private static final String TOKEN = "ghs_" + "k".repeat(36);

  @TempDir Path dir;

  @Test
  void tracked_copiesTrackedFilesAsOnDiskAndGit_butNotUntrackedSecretsOrBuildOutput()
      throws Exception {
    Path ws = checkout();
    Files.writeString(ws.resolve("src/App.java"), "class App { /* edited, not committed */ }");
    List<String> warnings = new ArrayList<>();

    Set<String> names = archive(ws, WorkspaceFiles.TRACKED, warnings);

    assertThat(names)
        .contains(
            "workspace/",
            "workspace/src/",
            "workspace/src/App.java",
            "workspace/README.md",
            "workspace/.git/",
            "workspace/.git/index",
            "workspace/.git/HEAD")
        .noneMatch(n -> n.startsWith("workspace/secrets"))
        .noneMatch(n -> n.startsWith("workspace/target"))
        .doesNotContain("workspace/notes.txt");
    assertThat(content(ws, WorkspaceFiles.TRACKED, "workspace/src/App.java"))
        .contains("edited, not committed");
    assertThat(warnings).isEmpty();
  }

  @Test
  void all_copiesEveryFile() throws Exception {
    Path ws = checkout();

    assertThat(archive(ws, WorkspaceFiles.ALL, new ArrayList<>()))
        .contains(
            "workspace/secrets/cloud.json",
            "workspace/target/classes/App.class",
            "workspace/notes.txt");
  }

  @Test
  void tracked_withAKnownSecretInAnUntrackedFile_leavesItOutAndDoesNotRefuse() throws Exception {
    Path ws = checkout();
    Files.writeString(ws.resolve("secrets/token"), TOKEN);
    List<RunConfig.SecretToKeepOut> secrets =
        List.of(new RunConfig.SecretToKeepOut("the GitHub token", Secret.of(TOKEN)));

    List<String> tracked =
        WorkspaceArchive.write(
            ws, new ByteArrayOutputStream(), secrets, WorkspaceFiles.TRACKED, w -> {});
    List<String> all =
        WorkspaceArchive.write(
            ws, new ByteArrayOutputStream(), secrets, WorkspaceFiles.ALL, w -> {});

    assertThat(tracked).isEmpty();
    assertThat(all).containsExactly("secrets/token");
  }

  @Test
  void tracked_withoutGit_copiesEverything_andSaysSo() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("plain"));
    Files.writeString(ws.resolve("a.txt"), "a");
    List<String> warnings = new ArrayList<>();

    assertThat(archive(ws, WorkspaceFiles.TRACKED, warnings)).contains("workspace/a.txt");
    assertThat(warnings).singleElement().asString().contains("not a git checkout");
  }

  @Test
  void tracked_withAGitFile_doesNotReadTheIndexItPointsTo_andCopiesEverything() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("worktree"));
    Files.writeString(ws.resolve(".git"), "gitdir: " + dir.resolve("elsewhere") + "\n");
    Files.writeString(ws.resolve("a.txt"), "a");
    List<String> warnings = new ArrayList<>();

    assertThat(archive(ws, WorkspaceFiles.TRACKED, warnings)).contains("workspace/a.txt");
    assertThat(warnings).singleElement().asString().contains("outside the workspace");
  }

  @Test
  void tracked_withADamagedIndex_refusesNamingTheSetting() throws Exception {
    Path ws = checkout();
    byte[] index = Files.readAllBytes(ws.resolve(".git/index"));
    index[20] ^= 1;
    Files.write(ws.resolve(".git/index"), index);

    assertThatThrownBy(() -> archive(ws, WorkspaceFiles.TRACKED, new ArrayList<>()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("cannot be used to copy only the tracked files")
        .hasMessageContaining("checksum")
        .hasMessageContaining("Set workspaceFiles to all");
  }

  @Test
  void tracked_withAnIndexThatIsALink_refuses_withoutFollowingIt() throws Exception {
    Path ws = checkout();
    Path real = Files.move(ws.resolve(".git/index"), dir.resolve("index-elsewhere"));
    Files.createSymbolicLink(ws.resolve(".git/index"), real);

    assertThatThrownBy(() -> archive(ws, WorkspaceFiles.TRACKED, new ArrayList<>()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void craftedIndex_namingPathsThroughLinksOrDirectories_copiesNothingThroughThem()
      throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("host.txt"), "host file");
    Path ws = Files.createDirectories(dir.resolve("crafted"));
    Files.createDirectories(ws.resolve(".git"));
    Files.createSymbolicLink(ws.resolve("linked"), outside);
    Files.createDirectories(ws.resolve("isadir/inner"));
    Files.writeString(ws.resolve("isadir/inner/x"), "x");
    Files.writeString(ws.resolve("ok.txt"), "ok");
    // The index names a file under a link to a host directory and a "file" that is a directory.
    Files.write(ws.resolve(".git/index"), index("isadir", "linked/host.txt", "ok.txt"));

    Set<String> names = archive(ws, WorkspaceFiles.TRACKED, new ArrayList<>());

    assertThat(names).contains("workspace/ok.txt", "workspace/.git/", "workspace/.git/index");
    assertThat(names).noneMatch(n -> n.startsWith("workspace/linked"));
    assertThat(names).noneMatch(n -> n.startsWith("workspace/isadir"));
  }

  @Test
  void craftedIndex_withATraversalPath_refusesTheRun() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("crafted"));
    Files.createDirectories(ws.resolve(".git"));
    Files.write(ws.resolve(".git/index"), index("../outside/host.txt"));

    assertThatThrownBy(() -> archive(ws, WorkspaceFiles.TRACKED, new ArrayList<>()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("a path git never writes")
        .hasMessageNotContaining("outside/host.txt");
  }

  @Test
  void trackedLink_isStoredAsALink_notFollowed() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("host.txt"), "host file");
    Path ws = Files.createDirectories(dir.resolve("links"));
    Files.createDirectories(ws.resolve(".git"));
    Files.createSymbolicLink(ws.resolve("link"), outside.resolve("host.txt"));
    Files.write(ws.resolve(".git/index"), index("link"));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkspaceArchive.write(ws.toRealPath(), out, List.of(), WorkspaceFiles.TRACKED, w -> {});

    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null && !e.getName().equals("workspace/link")) {
        // to the link
      }
      assertThat(e).isNotNull();
      assertThat(e.isSymbolicLink()).isTrue();
      assertThat(new String(tar.readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
    }
  }

  // --- building and reading indexes and archives ---

  /** A git checkout with tracked sources, and untracked secrets, notes and build output. */
  private Path checkout() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Files.createDirectories(ws.resolve("src"));
    Files.writeString(ws.resolve("src/App.java"), "class App {}");
    Files.writeString(ws.resolve("README.md"), "# app");
    git(ws, "init", "-q");
    git(ws, "add", "src", "README.md");
    Files.createDirectories(ws.resolve("secrets"));
    Files.writeString(ws.resolve("secrets/cloud.json"), "{\"key\": \"not for the agent\"}");
    Files.createDirectories(ws.resolve("target/classes"));
    Files.writeString(ws.resolve("target/classes/App.class"), "bytes");
    Files.writeString(ws.resolve("notes.txt"), "untracked");
    return ws.toRealPath();
  }

  private static Set<String> archive(Path ws, WorkspaceFiles files, List<String> warnings)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkspaceArchive.write(ws.toRealPath(), out, List.of(), files, warnings::add);
    Set<String> names = new TreeSet<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static String content(Path ws, WorkspaceFiles files, String name) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkspaceArchive.write(ws, out, List.of(), files, w -> {});
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().equals(name)) {
          return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    throw new AssertionError(name + " is not in the archive");
  }

  /** A version 2 index of regular files, sorted, with its SHA-1 trailer. */
  private static byte[] index(String... paths) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("DIRC".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {0, 0, 0, 2, 0, 0, 0, (byte) paths.length});
    for (String path : paths) {
      byte[] name = path.getBytes(StandardCharsets.UTF_8);
      byte[] fixed = new byte[62];
      fixed[26] = (byte) 0x81; // mode 0100644
      fixed[27] = (byte) 0xa4;
      fixed[60] = (byte) (name.length >> 8);
      fixed[61] = (byte) name.length;
      out.writeBytes(fixed);
      out.writeBytes(name);
      int length = 62 + name.length;
      out.writeBytes(new byte[((length + 8) & ~7) - length]);
    }
    byte[] body = out.toByteArray();
    out.writeBytes(MessageDigest.getInstance("SHA-1").digest(body));
    return out.toByteArray();
  }

  private static void git(Path repo, String... args) throws Exception {
    TestGit.run(repo, args);
  }
}
