package io.github.zerocred.github;

import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.FindingsMarkdown;
import io.github.zerocred.findings.ReviewFindings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts structured findings as a pull request review: a comment on the diff for each finding the
 * diff shows, the rest in the review's body under a table by severity. Each inline comment carries
 * its finding's fingerprint, so that a re-run updates the earlier review and comments instead of
 * adding copies: a finding still reported keeps its comment (its text refreshed), a new one gets a
 * comment, and one no longer reported has its comment marked resolved.
 */
public final class PullRequestReview {
  private static final String FINDING_MARKER = "<!-- zerocred-finding:";
  private static final Pattern FINDING = Pattern.compile("^<!-- zerocred-finding:([0-9a-f]+) -->");

  /** A finding and where on the diff it goes ({@code startLine..line}), or nowhere. */
  public record Placed(Finding finding, Optional<GitHubApi.NewReviewComment> comment) {}

  /**
   * What a run does to the pull request; {@code overCap} findings the diff shows are listed in the
   * body instead, because {@code max_inline_comments} were already placed.
   */
  public record Plan(
      List<Placed> placed,
      List<GitHubApi.NewReviewComment> create,
      Map<Long, String> update,
      Map<Long, String> resolve,
      int overCap,
      int maxInline) {}

  private final String reviewMarker;
  private final String identity;

  /**
   * @param reviewMarker the HTML comment that marks this job's review body
   * @param identity the login the token acts as: only a review it wrote is ever updated (anyone can
   *     copy the marker into their own), or null to update none
   */
  public PullRequestReview(String reviewMarker, String identity) {
    this.reviewMarker = reviewMarker;
    this.identity = identity;
  }

  public static String findingMarker(Finding f) {
    return FINDING_MARKER + f.fingerprint() + " -->";
  }

  /**
   * Decides what to post, given the earlier comments on the diff (only zerocred's open ones matter:
   * the caller passes only those the token's own account wrote, since anyone can copy a marker into
   * a comment of theirs).
   *
   * @param dedupe whether to reuse earlier comments ({@code sticky}) or post all anew ({@code new})
   * @param maxInline at most this many findings get a comment on the diff (most severe first)
   */
  public static Plan plan(
      ReviewFindings review,
      DiffLines diff,
      List<GitHubApi.ReviewComment> earlier,
      boolean dedupe,
      String headSha,
      int maxInline) {
    Map<String, GitHubApi.ReviewComment> open = new HashMap<>();
    if (dedupe) {
      for (GitHubApi.ReviewComment c : earlier) {
        Matcher m = FINDING.matcher(c.body());
        if (m.find()) {
          open.put(m.group(1), c);
        }
      }
    }
    List<Placed> placed = new ArrayList<>();
    List<GitHubApi.NewReviewComment> create = new ArrayList<>();
    Map<Long, String> update = new HashMap<>();
    Set<String> kept = new HashSet<>();
    int inline = 0;
    int overCap = 0;
    for (Finding f : review.findings()) {
      // A finding whose path names no repository file stays off the diff (in the body).
      Optional<GitHubApi.NewReviewComment> comment =
          (f.inRepository()
                  ? diff.anchor(f.file(), f.startLine(), f.endLine())
                  : Optional.<int[]>empty())
              .map(
                  at ->
                      new GitHubApi.NewReviewComment(
                          f.file(),
                          at[0],
                          at[1],
                          "RIGHT",
                          // As GitHub will store it, so that an unchanged comment compares equal.
                          GitHubText.forGitHub(
                              findingMarker(f) + "\n" + FindingsMarkdown.comment(f))));
      if (comment.isPresent() && inline >= maxInline) {
        overCap++;
        comment = Optional.empty();
      } else if (comment.isPresent()) {
        inline++;
      }
      placed.add(new Placed(f, comment));
      if (comment.isEmpty() || !kept.add(f.fingerprint())) {
        continue;
      }
      GitHubApi.ReviewComment old = open.get(f.fingerprint());
      if (old != null && old.path().equals(f.file()) && old.line() == comment.get().line()) {
        if (!old.body().equals(comment.get().body())) {
          update.put(old.id(), comment.get().body());
        }
      } else {
        create.add(comment.get());
        if (old != null) {
          kept.remove(f.fingerprint());
        }
      }
    }
    Map<Long, String> resolve = new HashMap<>();
    open.forEach(
        (fingerprint, c) -> {
          if (!kept.contains(fingerprint)) {
            resolve.put(c.id(), resolved(c.body(), headSha));
          }
        });
    return new Plan(placed, create, update, resolve, overCap, maxInline);
  }

  /** The comment's text struck through, with a note; its marker no longer matches a finding. */
  public static String resolved(String body, String headSha) {
    String text = body.replaceFirst("^<!-- zerocred-finding:[0-9a-f]+ -->\\n?", "").strip();
    String firstLine = text.lines().findFirst().orElse("");
    return "<!-- zerocred-finding-resolved -->\n~~"
        + firstLine.replace("~~", "")
        + "~~\n\n✅ Resolved: zerocred no longer reports this at "
        + (headSha.length() > 12 ? headSha.substring(0, 12) : headSha)
        + ".\n";
  }

  /** The review's body: the marker, the summary, the table by severity, off-diff findings. */
  public String body(ReviewFindings review, Plan plan, String footer) {
    StringBuilder md = new StringBuilder(reviewMarker).append("\n### Claude Code review\n\n");
    if (!review.summary().isBlank()) {
      md.append(review.summary().strip()).append("\n\n");
    }
    if (review.findings().isEmpty()) {
      md.append("No findings.\n");
    } else {
      md.append(review.severityTable()).append('\n');
      List<Placed> outside = plan.placed().stream().filter(p -> p.comment().isEmpty()).toList();
      long inline = plan.placed().size() - outside.size();
      if (inline > 0) {
        md.append(inline).append(" finding(s) are commented on the lines of the diff.\n\n");
      }
      if (plan.overCap() > 0) {
        md.append(plan.overCap())
            .append(" more finding(s) on the diff are listed below instead: at most ")
            .append(plan.maxInline())
            .append(" are commented on its lines (max_inline_comments).\n\n");
      }
      if (!outside.isEmpty()) {
        md.append("#### Findings not commented on the diff\n\n");
        outside.forEach(p -> md.append(FindingsMarkdown.item(p.finding())));
        md.append('\n');
      }
    }
    return GitHubText.withFooter(md.toString(), footer);
  }

  /**
   * Posts the plan: updates this job's earlier review and comments when there is one, else submits
   * a new review with the inline comments. Returns the review's URL.
   */
  public String post(
      GitHubApi github,
      String repository,
      int number,
      String headSha,
      ReviewFindings review,
      Plan plan,
      boolean sticky,
      String footer) {
    String body = body(review, plan, footer);
    Optional<GitHubApi.Review> earlier =
        sticky && identity != null
            ? github.reviews(repository, number).stream()
                .filter(r -> r.author().equalsIgnoreCase(identity))
                .filter(r -> r.body().startsWith(reviewMarker))
                .reduce((first, second) -> second)
            : Optional.empty();
    plan.resolve().forEach((id, text) -> github.updateReviewComment(repository, id, text));
    plan.update().forEach((id, text) -> github.updateReviewComment(repository, id, text));
    if (earlier.isEmpty()) {
      return github.createReview(repository, number, headSha, body, plan.create()).htmlUrl();
    }
    for (GitHubApi.NewReviewComment c : plan.create()) {
      github.createReviewComment(repository, number, headSha, c);
    }
    return github.updateReview(repository, number, earlier.get().id(), body).htmlUrl();
  }
}
