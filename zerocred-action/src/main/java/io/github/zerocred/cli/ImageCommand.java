package io.github.zerocred.cli;

import io.github.zerocred.github.WorkflowCommands;
import io.github.zerocred.review.ReviewRequest;
import io.github.zerocred.runnerimage.RunnerImageListener;
import io.github.zerocred.runnerimage.RunnerImageSpec;
import io.github.zerocred.runnerimage.RunnerImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code zerocred image build|show}: the runner image zerocred builds when a review names none,
 * prepared ahead of time (a CI cache, an air-gapped runner) or described. The same code path as a
 * review's own build.
 */
@Command(
    name = "image",
    description = "Build or describe the runner image zerocred builds when --image is not given.",
    mixinStandardHelpOptions = true,
    // build and show inherit the help options and the footer: one text for all three.
    scope = ScopeType.INHERIT,
    footerHeading = "%n",
    footer = {
      "Environment:",
      "  NPM_CONFIG_REGISTRY  the npm registry, unless --npm-registry (also ~/.npmrc)",
      "  ZEROCRED_CACHE_DIR   the verified binary's cache (default ~/.cache/zerocred)",
      "  DOCKER_HOST          the Docker engine (default: the local socket)",
      "",
      "Exit codes:",
      "  0  the image is there (built now or before), or was described",
      "  1  the base image, the npm registry or the build failed (the message says)",
      "  2  usage error (a bad option, such as an inexact --claude-code-version)",
      "  3  credential missing: never (the image needs no Anthropic credential)"
    },
    subcommands = {ImageCommand.Build.class, ImageCommand.Show.class})
final class ImageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final PrintWriter err;
  private final StopSignal stop;

  ImageCommand(Map<String, String> env, PrintWriter err, StopSignal stop) {
    this.env = Map.copyOf(env);
    this.err = err;
    this.stop = stop;
  }

  @Override
  public Integer call() {
    err.println("zerocred image: build or show is needed");
    spec.commandLine().usage(err);
    return ExitCodes.USAGE;
  }

  /** The settings the image is built from, named as {@code zerocred review} names them. */
  static final class Settings {
    @Option(
        names = "--claude-code-version",
        paramLabel = "VERSION",
        description = "The exact Claude Code version. Default: ${DEFAULT-VALUE}.",
        defaultValue = ReviewRequest.DEFAULT_CLAUDE_CODE_VERSION)
    String claudeCodeVersion;

    @Option(
        names = "--base-image",
        paramLabel = "IMAGE",
        description = "The base image. Default: ${DEFAULT-VALUE}.",
        defaultValue = ReviewRequest.DEFAULT_BASE_IMAGE)
    String baseImage;

    @Option(
        names = "--npm-registry",
        paramLabel = "URL",
        description =
            "The npm registry Claude Code is fetched from. Default: npm's own configuration"
                + " (NPM_CONFIG_REGISTRY, ~/.npmrc, npm config get registry).")
    String npmRegistry;

    RunnerImageSpec spec(Map<String, String> env) {
      return RunnerImageSpec.of(
          claudeCodeVersion, baseImage, npmRegistry, env, ReviewCommand::option);
    }
  }

  /** Builds the image unless it is there; prints its tag on stdout, progress on stderr. */
  @Command(
      name = "build",
      description = {
        "Build the runner image unless the engine has it; print its tag on stdout.",
        "Save it for an air-gapped runner with `docker save TAG | gzip > runner.tar.gz`."
      })
  static final class Build implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Settings settings;

    @Override
    public Integer call() throws IOException {
      ImageCommand parent = (ImageCommand) spec.parent().userObject();
      RunnerImageListener listener = line -> parent.say(line);
      RunnerImages.Prepared prepared =
          RunnerImages.ensure(settings.spec(parent.env), listener, parent.stop.cancellation());
      PrintWriter out = spec.commandLine().getOut();
      out.println(prepared.tag());
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** Prints the derived tag, whether the engine has it, and what went into it. */
  @Command(
      name = "show",
      description = "Print the runner image's tag, whether the engine has it, and its inputs.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Settings settings;

    @Override
    public Integer call() {
      ImageCommand parent = (ImageCommand) spec.parent().userObject();
      RunnerImages.Plan plan = RunnerImages.plan(settings.spec(parent.env));
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "tag:                 "
              + plan.tag()
                  .orElse("(decided by the base image's id: `zerocred image build` pulls it)"));
      out.println("present:             " + (plan.present() ? "yes" : "no"));
      out.println("claude code version: " + plan.claudeCodeVersion());
      out.println(
          "base image:          "
              + plan.baseImage()
              + plan.baseImageId().map(id -> " (" + id + ")").orElse(" (not on the engine)"));
      out.println("architecture:        linux-" + plan.nodeArch());
      plan.inputs().ifPresent(i -> out.println("inputs:              sha256:" + i));
      out.flush();
      return ExitCodes.OK;
    }
  }

  private void say(String line) {
    synchronized (err) {
      err.println(WorkflowCommands.safeLine("[zerocred] " + line));
      err.flush();
    }
  }
}
