package io.github.zerocred.review;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.run.Cancellation;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.runnerimage.RunnerImageListener;
import io.github.zerocred.runnerimage.RunnerImages;
import java.io.IOException;

/**
 * The review's runner image when the user named none: the one zerocred builds from the request's
 * Claude Code version and base image, reused while its inputs hold. Its progress goes to the
 * review's listener; a failure becomes the review's outcome (infrastructure, or cancelled), so the
 * review files are still written; an unknown npm registry is a setting to fix.
 */
final class RunnerImageStep {
  private RunnerImageStep() {}

  /** The image could not be had: the outcome the review reports. */
  static final class NotPrepared extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient RunResult result;

    NotPrepared(RunResult result, Throwable cause) {
      super(result.message(), cause);
      this.result = result;
    }

    RunResult result() {
      return result;
    }
  }

  /**
   * The runner image's tag, built if needed.
   *
   * @throws ReviewSettingException when the npm registry is unknown or unusable
   * @throws NotPrepared when the image cannot be built
   */
  static String prepare(ReviewRequest request, Cancellation cancellation) throws NotPrepared {
    ReviewListener listener = request.listener();
    RunnerImageListener images =
        new RunnerImageListener() {
          @Override
          public void progress(String line) {
            listener.progress(line);
          }

          @Override
          public void buildStarting(String what) {
            listener.imageBuildStarting(what);
          }

          @Override
          public void buildEnded() {
            listener.imageBuildEnded();
          }
        };
    try {
      return RunnerImages.ensure(request.runnerImage(), images, cancellation).tag();
    } catch (InvalidConfigurationException e) {
      throw new ReviewSettingException(ReviewSetting.NPM_REGISTRY, e.getMessage(), e);
    } catch (ZerocredException | IOException e) {
      RunResult.Outcome outcome =
          cancellation.isCancelled()
              ? RunResult.Outcome.CANCELLED
              : RunResult.Outcome.INFRASTRUCTURE_FAILURE;
      String message =
          cancellation.isCancelled()
              ? "The run was cancelled ("
                  + cancellation.reason().orElse("cancelled")
                  + ") while its runner image was being prepared"
              : e.getMessage();
      throw new NotPrepared(RunResult.notStarted(outcome, message), e);
    }
  }
}
