package io.github.zerocred.runnerimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.ZerocredException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeBinaryTarballTest {
  @TempDir Path dir;

  private Path out() {
    return dir.resolve("claude.partial");
  }

  private String extract(byte[] tgz, byte[] sha512) throws IOException {
    return NativeBinaryTarball.standard()
        .extract(new ByteArrayInputStream(tgz), sha512, out(), "pkg@1.0.0");
  }

  @Test
  void theBinary_isExtracted_andNothingElseIsWritten() throws Exception {
    byte[] tgz = Tarballs.npmPackage().gzip();
    String sha256 = extract(tgz, Tarballs.sha512(tgz));
    assertThat(Files.readAllBytes(out())).isEqualTo(Tarballs.BINARY);
    assertThat(sha256)
        .isEqualTo(
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Tarballs.BINARY)));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out());
    }
  }

  @Test
  void aTamperedTarball_isRefused_andTheBinaryRemoved() {
    byte[] tgz = Tarballs.npmPackage().gzip();
    byte[] published = Tarballs.sha512(tgz);
    byte[] tampered =
        Tarballs.npmPackage().file("package/claude-extra", new byte[] {1}, 0644).gzip();
    assertThatThrownBy(() -> extract(tampered, published))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("does not match the sha512");
    assertThat(out()).doesNotExist();
  }

  @Test
  void aSingleFlippedByte_isRefused() {
    byte[] tgz = Tarballs.npmPackage().gzip();
    byte[] published = Tarballs.sha512(tgz);
    // The gzip trailer's last byte: the tar reads fine, only the digest can tell.
    tgz[tgz.length - 1] ^= 1;
    assertThatThrownBy(() -> extract(tgz, published)).isInstanceOf(ZerocredException.class);
    assertThat(out()).doesNotExist();
  }

  @Test
  void aSymlink_refusesTheTarball_evenWithAMatchingDigest() {
    byte[] tgz = Tarballs.npmPackage().symlink("package/link", "/etc/passwd").gzip();
    assertThatThrownBy(() -> extract(tgz, Tarballs.sha512(tgz)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("link");
    assertThat(out()).doesNotExist();
  }

  @Test
  void theBinaryAsALink_isRefused() {
    byte[] tgz =
        new Tarballs()
            .file("package/real", Tarballs.BINARY, 0755)
            .symlink("package/claude", "/usr/bin/sh")
            .gzip();
    assertThatThrownBy(() -> extract(tgz, Tarballs.sha512(tgz)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("link");
    byte[] hard =
        new Tarballs()
            .file("package/real", Tarballs.BINARY, 0755)
            .hardlink("package/claude", "package/real")
            .gzip();
    assertThatThrownBy(() -> extract(hard, Tarballs.sha512(hard)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("link");
  }

  @Test
  void dotDotAndAbsolutePaths_refuseTheTarball() {
    for (String name :
        new String[] {"package/../../evil", "../package/claude", "/etc/cron.d/x", "package/a\\b"}) {
      byte[] tgz = Tarballs.npmPackage().file(name, new byte[] {1}, 0644).gzip();
      assertThatThrownBy(() -> extract(tgz, Tarballs.sha512(tgz)))
          .as(name)
          .isInstanceOf(ZerocredException.class)
          .hasMessageContaining("outside the package");
    }
    assertThat(dir.getParent().resolve("evil")).doesNotExist();
  }

  @Test
  void theBinaryTwice_isRefused() {
    byte[] tgz = Tarballs.npmPackage().file("package/claude", Tarballs.BINARY, 0755).gzip();
    assertThatThrownBy(() -> extract(tgz, Tarballs.sha512(tgz)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("twice");
    assertThat(out()).doesNotExist();
  }

  @Test
  void noBinary_orNotAnExecutable_isRefused() {
    byte[] none = new Tarballs().file("package/package.json", new byte[] {1}, 0644).gzip();
    assertThatThrownBy(() -> extract(none, Tarballs.sha512(none)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("no package/claude");
    byte[] script = new Tarballs().file("package/claude", "#!/bin/sh\n".getBytes(), 0755).gzip();
    assertThatThrownBy(() -> extract(script, Tarballs.sha512(script)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("not an ELF");
    assertThat(out()).doesNotExist();
  }

  @Test
  void anOversizedTarballOrBinary_isRefused_whileStreaming() {
    byte[] tgz = Tarballs.npmPackage().gzip();
    assertThatThrownBy(
            () ->
                NativeBinaryTarball.bounded(tgz.length / 2, Long.MAX_VALUE)
                    .extract(new ByteArrayInputStream(tgz), Tarballs.sha512(tgz), out(), "p"))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("larger than");
    assertThat(out()).doesNotExist();
    assertThatThrownBy(
            () ->
                NativeBinaryTarball.bounded(Long.MAX_VALUE, 1000)
                    .extract(new ByteArrayInputStream(tgz), Tarballs.sha512(tgz), out(), "p"))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("binary is larger than");
    assertThat(out()).doesNotExist();
  }

  @Test
  void garbage_isRefused() {
    byte[] junk = "not a tarball at all".getBytes();
    assertThatThrownBy(() -> extract(junk, Tarballs.sha512(junk)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("not a readable");
    assertThat(out()).doesNotExist();
  }
}
