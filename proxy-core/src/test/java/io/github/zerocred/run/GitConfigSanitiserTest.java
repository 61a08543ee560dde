package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GitConfigSanitiserTest {
  private static String sanitise(String config) throws Exception {
    return new String(
        GitConfigSanitiser.sanitise(config.getBytes(StandardCharsets.ISO_8859_1)).bytes(),
        StandardCharsets.ISO_8859_1);
  }

  @Test
  void actionsCheckoutConfig_losesItsExtraheader_andKeepsTheRest() throws Exception {
    String out =
        sanitise(
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
                + "[remote \"origin\"]\n\turl = https://github.com/o/r\n"
                + "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
                + "[gc]\n\tauto = 0\n"
                + "[http \"https://github.com/\"]\n"
                + "\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVA==\n"
                + "[includeIf \"gitdir:/github/workspace/.git\"]\n"
                + "\tpath = /github/runner_temp/git-credentials-1.config\n");
    assertThat(out)
        .doesNotContain("eC1hY2Nlc3M")
        .doesNotContainIgnoringCase("extraheader")
        .doesNotContain("includeIf")
        .doesNotContain("runner_temp")
        .contains("[core]\n\trepositoryformatversion = \"0\"\n")
        .contains("[remote \"origin\"]\n\turl = \"https://github.com/o/r\"\n")
        .contains("\tfetch = \"+refs/heads/*:refs/remotes/origin/*\"\n");
  }

  @Test
  void caseContinuationsQuotesAndSameLineKeys_cannotSmuggleAnExtraheader() throws Exception {
    String out =
        sanitise(
            "[HTTP \"https://github.com/\"] ExtraHeader = one\n"
                + "[Http]\n\tEXTRAHEADER = \"two\"\\\n three\n"
                + "[http]\n\tExtra-Header-Not = kept\n");
    assertThat(out)
        .doesNotContain("one")
        .doesNotContain("two")
        .doesNotContain("three")
        .isEqualTo("[http]\n\textra-header-not = \"kept\"\n");
  }

  @Test
  void legacyDottedSections_credentialsIncludesAndPasswords_areDropped() throws Exception {
    String out =
        sanitise(
            "[http.github]\n\textraHeader = AUTH\n\tsslVerify = \"tr\\\nue\"\n"
                + "; comment = extraheader\n# [credential]\n"
                + "[credential \"https://github.com\"]\n\thelper = store\n\tusername = me\n"
                + "[Credential]\n\thelper = \"!f() { echo password=SECRET; }; f\"\n"
                + "[include]\n\tpath = ~/.gitconfig-secrets\n"
                + "[sendemail]\n\tsmtpPass = hunter2\n[lfs]\n\taccessToken = TOK\n");
    assertThat(out)
        .doesNotContain("AUTH")
        .doesNotContain("SECRET")
        .doesNotContain("hunter2")
        .doesNotContain("TOK")
        .doesNotContain("gitconfig-secrets")
        .doesNotContainIgnoringCase("credential")
        .isEqualTo("[http \"github\"]\n\tsslverify = \"true\"\n");
  }

  @Test
  void userInfoInUrls_isRemoved_inValuesAndSubsections() throws Exception {
    GitConfigSanitiser.Result result =
        GitConfigSanitiser.sanitise(
            ("[remote \"origin\"]\n\turl = https://x-access-token:ghs_SECRET@github.com/o/r.git\n"
                    + "\tpushurl = https://ghp_SECRET2@github.com/o/r.git\n"
                    + "[url \"https://user:pw3@github.com/\"]\n\tinsteadOf = https://github.com/\n"
                    + "[http]\n\tproxy = http://proxyuser:pw4@proxy:3128\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    String out = new String(result.bytes(), StandardCharsets.ISO_8859_1);
    assertThat(out)
        .doesNotContain("SECRET")
        .doesNotContain("pw3")
        .doesNotContain("pw4")
        .doesNotContain("@")
        .contains("url = \"https://github.com/o/r.git\"")
        .contains("[url \"https://github.com/\"]")
        .contains("proxy = \"http://proxy:3128\"");
    assertThat(result.removed()).isEqualTo(4);
  }

  @Test
  void valuesWithCommentsEscapesAndCrlf_areParsedAsGitDoes() throws Exception {
    String out =
        sanitise(
            "[core]\r\n\teditor = \"vim ; not a comment\" # a comment\r\n"
                + "\tcomment = a\\tb\\\\c\\\"d  \n\tbool\n\tempty =\n");
    assertThat(out)
        .isEqualTo(
            "[core]\n\teditor = \"vim ; not a comment\"\n\tcomment = \"a\\tb\\\\c\\\"d\"\n"
                + "\tbool\n\tempty = \"\"\n");
  }

  @Test
  void sanitisedOutput_isAFixedPoint() throws Exception {
    String once =
        sanitise(
            "[a \"q\\\"uote\\\\\"]\n\tk = \"x\\ny\"\n[b]\n\tk = v ; c\n[http]\n\textraheader=x\n");
    assertThat(sanitise(once)).isEqualTo(once);
    assertThat(GitConfigSanitiser.sanitise(once.getBytes(StandardCharsets.ISO_8859_1)).removed())
        .isZero();
  }

  @Test
  void whatGitWouldRefuse_isRefused() {
    for (String bad :
        new String[] {
          "key = before section\n",
          "[core\n",
          "[core]\n\tk = \"unterminated\n",
          "[core]\n\tk = \\q\n",
          "[ core]\n",
          "[core]\n\t1k = v\n",
          "[core]\n\tk v\n",
          "[core \"sub\" ]\n",
          "[http.https://x]\n"
        }) {
      assertThatThrownBy(() -> sanitise(bad))
          .as(bad)
          .isInstanceOf(GitConfigSanitiser.MalformedException.class);
    }
  }
}
