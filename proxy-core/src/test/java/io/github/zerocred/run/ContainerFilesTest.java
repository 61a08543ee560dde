package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerFilesTest {
  @TempDir Path workspace;
  @TempDir Path outside;

  @Test
  void tree_isOwnedByTheContainerUser_andLinksAreStoredNotFollowed() throws Exception {
    Files.writeString(outside.resolve("host-secret"), "do not copy me");
    Files.createDirectories(workspace.resolve("src"));
    Files.writeString(workspace.resolve("src/Main.java"), "class Main {}");
    Path script = Files.writeString(workspace.resolve("build.sh"), "#!/bin/sh\n");
    script.toFile().setExecutable(true);
    Files.createSymbolicLink(workspace.resolve("evil"), outside.resolve("host-secret"));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ContainerFiles files = new ContainerFiles(out)) {
      files.tree(workspace.toRealPath(), "workspace", 1000);
      files.file("etc/zerocred/ca.pem", "PEM", ContainerFiles.ROOT, 0644);
    }

    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    ByteArrayOutputStream contents = new ByteArrayOutputStream();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        entries.put(e.getName(), e);
        tar.transferTo(contents);
      }
    }
    assertThat(entries)
        .containsKeys(
            "workspace/", "workspace/src/", "workspace/src/Main.java", "workspace/build.sh");
    assertThat(entries.get("workspace/src/Main.java").getLongUserId()).isEqualTo(1000);
    assertThat(entries.get("workspace/src/Main.java").getMode() & 0777).isEqualTo(0644);
    assertThat(entries.get("workspace/build.sh").getMode() & 0777).isEqualTo(0755);
    assertThat(entries.get("workspace/evil").isSymbolicLink()).isTrue();
    assertThat(entries.get("workspace/evil").getLinkName())
        .isEqualTo(outside.resolve("host-secret").toString());
    assertThat(entries.get("etc/zerocred/ca.pem").getLongUserId()).isZero();
    assertThat(contents.toString()).doesNotContain("do not copy me");
  }

  @Test
  void gitConfigs_areRewrittenWithoutCredentials_andKnownSecretsAreReportedByFile()
      throws Exception {
    String token = "ghs_0123456789abcdefghijklmnopqrstuvwxyzAB";
    Files.createDirectories(workspace.resolve(".git/modules/lib"));
    Files.createDirectories(workspace.resolve("docs"));
    Files.writeString(
        workspace.resolve(".git/config"),
        "[core]\n\tbare = false\n[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION:"
            + " basic "
            + java.util.Base64.getEncoder().encodeToString(("x-access-token:" + token).getBytes())
            + "\n");
    Files.writeString(
        workspace.resolve(".git/modules/lib/config"),
        "[remote \"origin\"]\n\turl = https://user:hunter2@example.invalid/r.git\n");
    Files.writeString(workspace.resolve("docs/leak.txt"), "x" + token + "y");
    Files.writeString(workspace.resolve("docs/fine.txt"), "fine");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ContainerFiles.SecretFound> found;
    List<String> withCredentials;
    SecretScanner scanner =
        SecretScanner.of(
            List.of(
                new RunConfig.SecretToKeepOut(
                    "the GitHub token", io.github.zerocred.proxy.Secret.of(token))));
    try (ContainerFiles files = new ContainerFiles(out, scanner)) {
      files.tree(workspace.toRealPath(), "workspace", 1000);
      found = files.secretsFound();
      withCredentials = files.gitConfigsWithCredentials();
    }

    assertThat(found)
        .extracting(ContainerFiles.SecretFound::path)
        .containsExactlyInAnyOrder("workspace/.git/config", "workspace/docs/leak.txt");
    assertThat(withCredentials)
        .containsExactlyInAnyOrder("workspace/.git/config", "workspace/.git/modules/lib/config");
    Map<String, String> contents = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        contents.put(e.getName(), new String(tar.readAllBytes()));
      }
    }
    assertThat(contents.get("workspace/.git/config")).isEqualTo("[core]\n\tbare = \"false\"\n");
    assertThat(contents.get("workspace/.git/modules/lib/config"))
        .doesNotContain("hunter2")
        .contains("https://example.invalid/r.git");
    assertThat(contents.get("workspace/docs/fine.txt")).isEqualTo("fine");
  }

  @Test
  void gitConfigPaths_areRecognisedInEveryRepositoryOfTheTree() {
    assertThat(ContainerFiles.isGitConfig(Path.of(".git/config"))).isTrue();
    assertThat(ContainerFiles.isGitConfig(Path.of(".GIT/Config"))).isTrue();
    assertThat(ContainerFiles.isGitConfig(Path.of("sub/.git/config.worktree"))).isTrue();
    assertThat(ContainerFiles.isGitConfig(Path.of(".git/worktrees/w/config.worktree"))).isTrue();
    assertThat(ContainerFiles.isGitConfig(Path.of("config"))).isFalse();
    assertThat(ContainerFiles.isGitConfig(Path.of("src/config"))).isFalse();
  }

  @Test
  void secretInWorkspaceMessage_namesFilesAndTheFix_butNeverTheSecret() {
    SecretInWorkspaceException e =
        SecretInWorkspaceException.of(
            List.of(
                new ContainerFiles.SecretFound(
                    "workspace/.git/config",
                    new SecretScanner.Hit("the GitHub token", "base64-encoded")),
                new ContainerFiles.SecretFound(
                    "workspace/evil\n::error::x",
                    new SecretScanner.Hit("the GitHub token", "as is"))),
            "workspace/");
    assertThat(e.getMessage())
        .contains("the GitHub token (base64-encoded) in .git/config, evil?::error::x")
        .contains("persist-credentials: false")
        .doesNotContain("\n");
    assertThat(e.files()).containsExactly(".git/config", "evil?::error::x");
  }
}
