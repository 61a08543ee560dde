package io.github.zerocred.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Workloads 11–13: the whole review timed from process start by {@link ReviewBench} — {@code
 * zerocred review}, the action as a runner starts it, {@code mvn zerocred:review} — with the
 * variants {@code run.sh} names in {@code --review-*} options ({@code --review-image IMAGE}, {@code
 * --review-cli "LABEL=JAR [JVM-OPTION]..."}, {@code --review-action "LABEL=IMAGE"}, {@code
 * --review-maven "LABEL=[MAVEN_OPTS]"}, {@code --review-mvn MVNW}, {@code --review-repo-root DIR}).
 * A front end with no variant, or no runner image, is skipped with a note.
 */
abstract class ReviewTime extends Workload {
  private final ReviewBench.Kind kind;

  private ReviewTime(ReviewBench.Kind kind) {
    super(kind.workload);
    this.kind = kind;
  }

  @Override
  final void run(BenchContext bench) throws Exception {
    List<String> args = new ArrayList<>(bench.options().reviewArgs());
    if (!args.contains("--image")) {
      bench.note("Workload " + number() + " was skipped: no runner image (--review-image).");
      return;
    }
    args.addAll(List.of("--work", bench.options().work().resolve("review-" + number()).toString()));
    ReviewBench review = ReviewBench.parse(args, bench::say, bench.options().quick() ? 1 : 3);
    if (review.variants(kind).isEmpty()) {
      bench.note("Workload " + number() + " was skipped: no " + kind.title + " variant given.");
      return;
    }
    bench.say("workload " + number() + ": " + kind.title + ", process start to the end");
    review.measure(kind, bench::add);
  }

  /** 11: {@code zerocred review} from process start to "Claude Code started" and to the end. */
  static final class ZerocredReviewTime extends ReviewTime {
    ZerocredReviewTime() {
      super(ReviewBench.Kind.CLI);
    }
  }

  /** 12: the action image from {@code docker run} to the review posted to the GitHub API. */
  static final class ActionReviewTime extends ReviewTime {
    ActionReviewTime() {
      super(ReviewBench.Kind.ACTION);
    }
  }

  /** 13: {@code mvn zerocred:review} on a sample project. */
  static final class MavenReviewTime extends ReviewTime {
    MavenReviewTime() {
      super(ReviewBench.Kind.MAVEN);
    }
  }
}
