package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretScannerTest {
  private static final String TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
  private final SecretScanner scanner =
      SecretScanner.of(
          List.of(new RunConfig.SecretToKeepOut("the GitHub token", Secret.of(TOKEN))));

  @Test
  void rawToken_isFound_evenSplitAcrossChunks() {
    byte[] text =
        ("url = https://x-access-token:" + TOKEN + "@github.com/o/r\n")
            .getBytes(StandardCharsets.US_ASCII);
    for (int split = 0; split <= text.length; split++) {
      SecretScanner.Scan scan = scanner.scan();
      scan.update(text, 0, split);
      scan.update(text, split, text.length - split);
      assertThat(scan.hit()).as("split at " + split).isNotNull();
      assertThat(scan.hit().secret()).isEqualTo("the GitHub token");
    }
  }

  @Test
  void extraheaderAsActionsCheckoutWritesIt_isFound() {
    String header =
        "AUTHORIZATION: basic "
            + Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.US_ASCII));
    SecretScanner.Scan scan = scanner.scan();
    scan.update(
        ("[http \"https://github.com/\"]\n\textraheader = " + header + "\n")
            .getBytes(StandardCharsets.US_ASCII));
    assertThat(scan.hit()).isNotNull();
    assertThat(scan.hit().encoding()).isEqualTo("base64-encoded");
  }

  @Test
  void base64_atEveryAlignment_andInsideLongerText_isFound() {
    for (String prefix : List.of("", "a", "ab", "abc", "x-access-token:", "user:")) {
      for (String suffix : List.of("", "z", "zz", ":more")) {
        byte[] plain = (prefix + TOKEN + suffix).getBytes(StandardCharsets.US_ASCII);
        SecretScanner.Scan scan = scanner.scan();
        scan.update(
            ("Authorization: Basic " + Base64.getEncoder().encodeToString(plain))
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(scan.hit()).as(prefix + "|" + suffix).isNotNull();
        SecretScanner.Scan urlSafe = scanner.scan();
        urlSafe.update(Base64.getUrlEncoder().withoutPadding().encode(plain));
        assertThat(urlSafe.hit()).as("base64url " + prefix + "|" + suffix).isNotNull();
      }
    }
  }

  @Test
  void percentEncodedSecret_isFound_inUpperAndLowerCaseHex() {
    String secret = "p@ss/w:rd+with spaces&more=chars";
    SecretScanner s =
        SecretScanner.of(List.of(new RunConfig.SecretToKeepOut("the password", Secret.of(secret))));
    SecretScanner.Scan scan = s.scan();
    scan.update(
        ("https://u:"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20")
                + "@h/")
            .getBytes(StandardCharsets.US_ASCII));
    assertThat(scan.hit()).isNotNull();
    assertThat(scan.hit().encoding()).isEqualTo("URL-encoded");
    SecretScanner.Scan lower = s.scan();
    lower.update(
        "p%40ss%2fw%3ard%2bwith%20spaces%26more%3dchars".getBytes(StandardCharsets.US_ASCII));
    assertThat(lower.hit()).isNotNull();
  }

  @Test
  void ordinaryFiles_andNearMisses_areNotFlagged() {
    SecretScanner.Scan scan = scanner.scan();
    scan.update(
        ("class Main {}\n" + TOKEN.substring(0, TOKEN.length() - 1) + "X\n")
            .getBytes(StandardCharsets.US_ASCII));
    scan.update(
        Base64.getEncoder()
            .encode(
                ("x-access-token:" + TOKEN.replace('4', '5')).getBytes(StandardCharsets.UTF_8)));
    assertThat(scan.hit()).isNull();
    assertThat(SecretScanner.none().scan().update(TOKEN.getBytes(StandardCharsets.US_ASCII)))
        .isFalse();
  }

  @Test
  void aSecretNeverShowsInToString() {
    assertThat(SecretScanner.forms(TOKEN)).containsKey(TOKEN).hasSizeGreaterThanOrEqualTo(4);
    assertThat(new RunConfig.SecretToKeepOut("the GitHub token", Secret.of(TOKEN)).toString())
        .doesNotContain(TOKEN);
  }
}
