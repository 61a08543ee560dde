package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
}
