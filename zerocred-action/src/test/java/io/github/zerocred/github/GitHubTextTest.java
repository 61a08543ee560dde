package io.github.zerocred.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitHubTextTest {
  @Test
  void mentions_outsideCode_areBroken_insideCode_left() {
    String md =
        "Hi @alice and @org/team, mail a@b.c\n"
            + "`@Override` ``a ` @x``\n"
            + "\\`@escaped` still text\n"
            + "```java\n@Deprecated @bob\n```\n"
            + "~~~\n@carol\n~~~\n"
            + "```a`b not a fence @dave\n"
            + "after @erin\n";

    String out = GitHubText.neutraliseMentions(md);

    assertThat(out)
        .contains("@\u200balice")
        .contains("@\u200borg/team")
        .contains("`@Override`")
        .contains("``a ` @x``")
        .contains("\\`@\u200bescaped`")
        .contains("\n@Deprecated @bob\n")
        .contains("\n@carol\n")
        .contains("@\u200bdave")
        .contains("@\u200berin");
    assertThat(GitHubText.neutraliseMentions(out)).isEqualTo(out);
  }

  @Test
  void aBodyOverGitHubsLimit_isCutWithANote_andTheFooterKept() {
    String huge = "line of review text\n".repeat(10_000);

    String body = GitHubText.withFooter(huge, "<sub>zerocred</sub>\n");

    assertThat(body.length()).isLessThanOrEqualTo(GitHubText.MAX_BODY);
    assertThat(GitHubText.MAX_BODY).isLessThan(GitHubText.GITHUB_MAX_BODY);
    assertThat(body).contains("cut here").endsWith("<sub>zerocred</sub>\n");
    assertThat(GitHubText.forGitHub("short")).isEqualTo("short");
  }

  @Test
  void aCut_neverSplitsASurrogatePair() {
    String text = "\ud83d\ude00".repeat(40_000);

    String cut = GitHubText.fit(text, 10_000);

    int before = cut.indexOf("\n\n_… cut");
    assertThat(Character.isHighSurrogate(cut.charAt(before - 1))).isFalse();
  }
}
