package io.github.zerocred.maven;

import io.github.zerocred.review.ReviewRequest;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The parameters the runner image is built from, shared by {@code zerocred:review} and {@code
 * zerocred:image} (maven-plugin-plugin lists a superclass's parameters under each goal).
 */
public abstract class AbstractRunnerImageMojo extends AbstractMojo {
  /**
   * The exact Claude Code version of the runner image zerocred builds (a review builds it when
   * {@code image} is not set).
   */
  @Parameter(
      property = "zerocred.claudeCodeVersion",
      defaultValue = ReviewRequest.DEFAULT_CLAUDE_CODE_VERSION)
  String claudeCodeVersion;

  /**
   * The base of the runner image zerocred builds (a review builds it when {@code image} is not
   * set).
   */
  @Parameter(property = "zerocred.baseImage", defaultValue = ReviewRequest.DEFAULT_BASE_IMAGE)
  String baseImage;

  /**
   * The npm registry Claude Code is fetched from. Default: npm's own configuration ({@code
   * NPM_CONFIG_REGISTRY}, {@code ~/.npmrc}, {@code npm config get registry}).
   */
  @Parameter(property = "zerocred.npmRegistry")
  String npmRegistry;

  /**
   * The environment npm's configuration (and a review's credential) is read from; tests replace it.
   */
  Map<String, String> environment = System.getenv();
}
