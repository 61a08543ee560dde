package io.github.zerocred.maven;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.run.Cancellation;
import io.github.zerocred.runnerimage.RunnerImageSpec;
import io.github.zerocred.runnerimage.RunnerImages;
import java.io.IOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code mvn zerocred:image}: builds the runner image {@code zerocred:review} would build, ahead of
 * time (a CI cache step, an image to {@code docker save} for an air-gapped runner). It reads the
 * same {@code zerocred.*} properties as the review and does nothing when the image is there.
 */
@Mojo(
    name = "image",
    aggregator = true,
    threadSafe = true,
    requiresProject = false,
    requiresDependencyResolution = ResolutionScope.NONE)
public class ImageMojo extends AbstractRunnerImageMojo {
  /** Skip, saying so. */
  @Parameter(property = "zerocred.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("zerocred: skipped (zerocred.skip)");
      return;
    }
    try {
      RunnerImageSpec spec =
          RunnerImageSpec.of(
              claudeCodeVersion, baseImage, npmRegistry, environment, ReviewMojo::parameter);
      RunnerImages.Prepared prepared =
          RunnerImages.ensure(
              spec, line -> getLog().info("zerocred: " + line), Cancellation.create());
      getLog()
          .info(
              "zerocred: runner image "
                  + prepared.tag()
                  + (prepared.built() ? " built" : " already on the engine"));
    } catch (InvalidConfigurationException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
  }
}
