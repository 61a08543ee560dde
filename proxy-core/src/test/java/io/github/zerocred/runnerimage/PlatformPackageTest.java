package io.github.zerocred.runnerimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.ZerocredException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlatformPackageTest {
  static final String NAME = "@anthropic-ai/claude-code-linux-x64";
  static final byte[] TGZ = Tarballs.npmPackage().gzip();

  static String document(String name, String version, String tarball, String integrity) {
    return "{\"name\":\""
        + name
        + "\",\"version\":\""
        + version
        + "\",\"dist\":{\"tarball\":\""
        + tarball
        + "\",\"integrity\":\""
        + integrity
        + "\",\"shasum\":\"00\"}}";
  }

  private static PlatformPackage parse(String json) {
    return PlatformPackage.parse(json.getBytes(StandardCharsets.UTF_8), NAME, "2.1.330");
  }

  @Test
  void theRegistrysDocument_givesTheTarballAndItsSha512() {
    PlatformPackage p =
        parse(
            document(
                NAME, "2.1.330", "https://r.example/x/-/x-2.1.330.tgz", Tarballs.integrity(TGZ)));
    assertThat(p.tarball()).hasToString("https://r.example/x/-/x-2.1.330.tgz");
    assertThat(p.sha512()).isEqualTo(Tarballs.sha512(TGZ));
    assertThat(p.integrity()).isEqualTo(Tarballs.integrity(TGZ));
  }

  @Test
  void metadataUri_isUnderTheRegistry() {
    assertThat(
            PlatformPackage.metadataUri(
                java.net.URI.create("https://r.example/npm/"), NAME, "2.1.330"))
        .hasToString("https://r.example/npm/@anthropic-ai/claude-code-linux-x64/2.1.330");
  }

  @Test
  void anotherPackageOrVersion_isRefused() {
    String integrity = Tarballs.integrity(TGZ);
    assertThatThrownBy(() -> parse(document("evil", "2.1.330", "https://r.example/t", integrity)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("another package or version");
    assertThatThrownBy(() -> parse(document(NAME, "2.1.331", "https://r.example/t", integrity)))
        .isInstanceOf(ZerocredException.class);
  }

  @Test
  void aMissingOrWeakIntegrity_isRefused() {
    String sha1 = "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    assertThatThrownBy(() -> parse(document(NAME, "2.1.330", "https://r.example/t", sha1)))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("no sha512");
    assertThatThrownBy(
            () -> parse(document(NAME, "2.1.330", "https://r.example/t", "sha512-short")))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("malformed sha512");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"name\":\""
                        + NAME
                        + "\",\"version\":\"2.1.330\",\"dist\":{\"tarball\":\"https://r.example/t\"}}"))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("no dist.integrity");
  }

  @Test
  void aTarballThatIsNotHttpOrCarriesCredentials_isRefused() {
    String integrity = Tarballs.integrity(TGZ);
    for (String url : new String[] {"file:///etc/passwd", "https://u:p@r.example/t", "/relative"}) {
      assertThatThrownBy(() -> parse(document(NAME, "2.1.330", url, integrity)))
          .as(url)
          .isInstanceOf(ZerocredException.class)
          .hasMessageContaining("dist.tarball");
    }
  }

  @Test
  void malformedOrOversizedOrDeepDocuments_areRefused() {
    for (String bad : new String[] {"", "null", "[]", "{", "\"text\"", "{\"name\": 1}"}) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(ZerocredException.class);
    }
    byte[] huge = new byte[PlatformPackage.MAX_METADATA_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    assertThatThrownBy(() -> PlatformPackage.parse(huge, NAME, "2.1.330"))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("larger than");
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertThatThrownBy(() -> parse(deep)).isInstanceOf(ZerocredException.class);
  }
}
