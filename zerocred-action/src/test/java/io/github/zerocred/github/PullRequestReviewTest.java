package io.github.zerocred.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.findings.Category;
import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.findings.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PullRequestReviewTest {
  private static final String BOT = "github-actions[bot]";

  private static final DiffLines DIFF =
      DiffLines.of(
          List.of(
              new GitHubApi.PullRequestFile(
                  "src/A.java",
                  "modified",
                  "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n d\n@@ -20,2 +21,2 @@\n x\n-y\n+Y\n\\ No newline at end of file"),
              new GitHubApi.PullRequestFile("gone.txt", "removed", "@@ -1 +0,0 @@\n-x")));

  private static Finding finding(String file, int start, int end, String title) {
    return new Finding(file, start, end, Severity.HIGH, Category.BUG, title, "", Optional.empty());
  }

  @Test
  void anchor_wholeRangeInOneHunk_elseTheEndTheDiffShows_elseNothing() {
    assertThat(DIFF.anchor("src/A.java", 2, 3))
        .hasValueSatisfying(a -> assertThat(a).containsExactly(2, 3));
    assertThat(DIFF.anchor("src/A.java", 4, 21))
        .hasValueSatisfying(a -> assertThat(a).containsExactly(21, 21));
    assertThat(DIFF.anchor("src/A.java", 22, 22))
        .hasValueSatisfying(a -> assertThat(a).containsExactly(22, 22));
    assertThat(DIFF.anchor("src/A.java", 10, 12)).isEmpty();
    assertThat(DIFF.anchor("src/A.java", 23, 23)).isEmpty();
    assertThat(DIFF.anchor("gone.txt", 1, 1)).isEmpty();
    assertThat(DIFF.anchor("README.md", 1, 1)).isEmpty();
  }

  @Test
  void plan_keepsUpdatesCreatesAndResolves_byFingerprint() {
    Finding kept = finding("src/A.java", 2, 2, "Kept");
    Finding fixed = finding("src/A.java", 3, 3, "Fixed");
    Finding moved = finding("src/A.java", 22, 22, "Moved");
    Finding outside = finding("src/A.java", 10, 10, "Outside");
    Finding fresh = finding("src/A.java", 1, 1, "Fresh");
    List<GitHubApi.ReviewComment> earlier =
        List.of(
            new GitHubApi.ReviewComment(
                1,
                "<!-- zerocred-finding:" + kept.fingerprint() + " -->\nold text",
                "src/A.java",
                2,
                "",
                BOT),
            new GitHubApi.ReviewComment(
                2,
                PullRequestReview.findingMarker(fixed) + "\n**high** · **Fixed**",
                "src/A.java",
                3,
                "",
                BOT),
            new GitHubApi.ReviewComment(
                3, PullRequestReview.findingMarker(moved) + "\nx", "src/A.java", 2, "", BOT),
            new GitHubApi.ReviewComment(4, "A person's comment", "src/A.java", 2, "", "alice"));
    ReviewFindings review =
        new ReviewFindings(true, "s", List.of(kept, moved, outside, fresh), List.of());

    PullRequestReview.Plan plan =
        PullRequestReview.plan(review, DIFF, earlier, true, "abcdef0123456789", 25);

    assertThat(plan.update()).containsOnlyKeys(1L);
    assertThat(plan.create())
        .extracting(GitHubApi.NewReviewComment::body)
        .allSatisfy(b -> assertThat(b).startsWith("<!-- zerocred-finding:"))
        .anySatisfy(b -> assertThat(b).contains("Moved"))
        .anySatisfy(b -> assertThat(b).contains("Fresh"))
        .hasSize(2);
    assertThat(plan.resolve()).containsOnlyKeys(2L, 3L);
    assertThat(plan.resolve().get(2L))
        .startsWith("<!-- zerocred-finding-resolved -->\n~~**high** · **Fixed**~~")
        .contains("abcdef012345");
    assertThat(plan.placed())
        .filteredOn(p -> p.comment().isEmpty())
        .extracting(p -> p.finding().title())
        .containsExactly("Outside");

    PullRequestReview.Plan fresh2 = PullRequestReview.plan(review, DIFF, earlier, false, "h", 25);
    assertThat(fresh2.create()).hasSize(3);
    assertThat(fresh2.update()).isEmpty();
    assertThat(fresh2.resolve()).isEmpty();
  }

  @Test
  void body_withNoFindings_saysSo() {
    ReviewFindings none = new ReviewFindings(true, "Clean.", List.of(), List.of());
    PullRequestReview.Plan plan = PullRequestReview.plan(none, DIFF, List.of(), true, "h", 25);

    assertThat(new PullRequestReview("<!-- m -->", BOT).body(none, plan, "<sub>f</sub>"))
        .isEqualTo("<!-- m -->\n### Claude Code review\n\nClean.\n\nNo findings.\n<sub>f</sub>");
    assertThat(plan.create()).isEmpty();
  }

  @Test
  void inlineComments_areCapped_mostSevereFirst_andTheRestListedInTheBody() {
    List<Finding> many = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      many.add(
          new Finding(
              "src/A.java",
              2,
              2,
              i == 3 ? Severity.CRITICAL : Severity.LOW,
              Category.BUG,
              "F" + i,
              "",
              Optional.empty()));
    }
    ReviewFindings review = new ReviewFindings(true, "s", many, List.of());

    PullRequestReview.Plan plan = PullRequestReview.plan(review, DIFF, List.of(), true, "h", 2);

    assertThat(plan.create()).hasSize(2);
    assertThat(plan.create().get(0).body()).contains("F3");
    assertThat(plan.overCap()).isEqualTo(2);
    assertThat(new PullRequestReview("<!-- m -->", BOT).body(review, plan, ""))
        .contains("2 more finding(s) on the diff are listed below instead: at most 2")
        .contains("#### Findings not commented on the diff");
    assertThat(PullRequestReview.plan(review, DIFF, List.of(), true, "h", 0).create()).isEmpty();
  }

  @Test
  void aFindingWithABadPath_isNeverPlacedOnTheDiff() {
    Finding odd = finding("\\src/A.java", 2, 2, "Odd");
    ReviewFindings review = new ReviewFindings(true, "s", List.of(odd), List.of());

    assertThat(PullRequestReview.plan(review, DIFF, List.of(), true, "h", 25).create()).isEmpty();
  }

  @Test
  void mentionsInTheFindings_areNeutralisedInTheBodyAndTheComments() {
    Finding loud =
        new Finding(
            "src/A.java",
            2,
            2,
            Severity.HIGH,
            Category.BUG,
            "Ping @octocat and @acme/security-team",
            "cc @admin; see `@Override` and\n```java\n@Deprecated\n```\n",
            Optional.of("@SuppressWarnings(\"x\")"));
    Finding outside = finding("src/A.java", 10, 10, "Hey @maintainer");
    ReviewFindings review =
        new ReviewFindings(true, "Summary for @everyone", List.of(loud, outside), List.of());

    PullRequestReview.Plan plan = PullRequestReview.plan(review, DIFF, List.of(), true, "h", 25);
    String body = new PullRequestReview("<!-- m -->", BOT).body(review, plan, "");
    String comment = plan.create().get(0).body();

    for (String text : List.of(body, comment)) {
      assertThat(text).doesNotContain("@octocat", "@acme", "@admin", "@maintainer", "@everyone");
    }
    assertThat(comment)
        .contains("@\u200boctocat")
        .contains("@\u200bacme/security-team")
        .contains("`@Override`")
        .contains("\n@Deprecated\n")
        .contains("@SuppressWarnings(\"x\")");
    assertThat(body).contains("@\u200bmaintainer").contains("@\u200beveryone");
  }
}
