package io.github.zerocred.runnerimage;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PullResponseItem;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.review.ReviewSetting;
import io.github.zerocred.run.Cancellation;
import io.github.zerocred.run.DockerEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The runner image on the Docker engine: what its tag would be ({@link #plan}), and the image
 * itself, built when missing ({@link #ensure}). The build runs on the engine through its API from a
 * context of two files, the recipe and the verified binary, streamed as it is written.
 *
 * <p>Hostile input: the build's own output is the base image's (the user's choice) and the
 * engine's; only the builder's step headers and our recipe's own {@code zerocred:} lines are passed
 * on, with control characters removed and a bounded length, and the last lines of a failed build go
 * into the error. Nothing is tagged unless the build finished and the binary in it was verified.
 */
public final class RunnerImages {
  private static final int MAX_LINE = 300;
  private static final int TAIL_LINES = 15;
  private static final int STEP_LINE = 100;
  private static final long PULL_LIMIT_MINUTES = 30;
  private static final long BUILD_LIMIT_MINUTES = 30;

  private RunnerImages() {}

  /**
   * What {@link #ensure} would use: the tag (empty while the base image is not on the engine, for
   * its id decides the tag) and whether that image is there. Pulls and fetches nothing.
   *
   * @param tag the derived tag, when the base image is known
   * @param inputs the inputs' hash, when the base image is known
   * @param claudeCodeVersion the Claude Code version
   * @param nodeArch the engine's architecture in Node's words
   * @param baseImage the base image reference
   * @param baseImageId the base image's id, when it is on the engine
   * @param present whether the derived image is on the engine
   */
  public record Plan(
      Optional<String> tag,
      Optional<String> inputs,
      String claudeCodeVersion,
      String nodeArch,
      String baseImage,
      Optional<String> baseImageId,
      boolean present) {}

  /** The image as {@link #ensure} left it, and whether this call built it. */
  public record Prepared(String tag, Plan plan, boolean built) {}

  /** {@link #plan} on the default engine ({@code DOCKER_HOST}, else the local socket). */
  public static Plan plan(RunnerImageSpec spec) {
    try (DockerEngine engine = DockerEngine.connect(Optional.empty())) {
      return plan(engine.client(), spec);
    }
  }

  /** {@link #ensure} on the default engine ({@code DOCKER_HOST}, else the local socket). */
  public static Prepared ensure(
      RunnerImageSpec spec, RunnerImageListener listener, Cancellation cancellation)
      throws IOException {
    try (DockerEngine engine = DockerEngine.connect(Optional.empty())) {
      return ensure(engine.client(), spec, listener, cancellation);
    }
  }

  /** The plan on this engine. */
  public static Plan plan(DockerClient docker, RunnerImageSpec spec) {
    String arch = nodeArch(docker);
    Optional<String> baseId = imageId(docker, spec.baseImage());
    if (baseId.isEmpty()) {
      return new Plan(
          Optional.empty(),
          Optional.empty(),
          spec.claudeCodeVersion(),
          arch,
          spec.baseImage(),
          Optional.empty(),
          false);
    }
    String inputs = RunnerImageRecipe.inputs(spec.claudeCodeVersion(), arch, baseId.get());
    String tag = RunnerImageRecipe.tag(spec.claudeCodeVersion(), inputs);
    return new Plan(
        Optional.of(tag),
        Optional.of(inputs),
        spec.claudeCodeVersion(),
        arch,
        spec.baseImage(),
        baseId,
        current(docker, tag, inputs));
  }

  /**
   * The runner image for {@code spec}: the one on the engine when its inputs match, else built now
   * (pulling the base image first if the engine lacks it).
   *
   * @throws io.github.zerocred.proxy.InvalidConfigurationException when the npm registry is unknown
   * @throws ZerocredException when the base cannot be had, the binary is refused or the build fails
   */
  public static Prepared ensure(
      DockerClient docker,
      RunnerImageSpec spec,
      RunnerImageListener listener,
      Cancellation cancellation)
      throws IOException {
    Plan plan = plan(docker, spec);
    if (plan.present()) {
      listener.progress("Runner image " + plan.tag().orElseThrow() + " is on the engine");
      return new Prepared(plan.tag().orElseThrow(), plan, false);
    }
    long started = System.nanoTime();
    listener.buildStarting(
        "Building the runner image (Claude Code "
            + spec.claudeCodeVersion()
            + " on "
            + spec.baseImage()
            + ", linux-"
            + plan.nodeArch()
            + "); later runs reuse it");
    try {
      if (plan.baseImageId().isEmpty()) {
        pullBase(docker, spec, listener, cancellation);
        plan = plan(docker, spec);
        if (plan.present()) {
          return new Prepared(plan.tag().orElseThrow(), plan, false);
        }
      }
      Path binary =
          ClaudeCodeBinaries.in(spec.cacheRoot())
              .obtain(
                  spec.claudeCodeVersion(),
                  plan.nodeArch(),
                  () ->
                      NpmRegistry.resolve(
                          spec.npmRegistry(),
                          spec.names().of(ReviewSetting.NPM_REGISTRY),
                          spec.env()),
                  listener,
                  cancellation);
      checkCancelled(cancellation);
      build(docker, spec, plan, binary, listener, cancellation);
      listener.progress(
          String.format(
              Locale.ROOT,
              "Built %s in %.1f s",
              plan.tag().orElseThrow(),
              (System.nanoTime() - started) / 1e9));
      return new Prepared(plan.tag().orElseThrow(), plan(docker, spec), true);
    } finally {
      listener.buildEnded();
    }
  }

  /** The engine's architecture in Node's words, as Claude Code's packages name it. */
  static String nodeArch(DockerClient docker) {
    String arch = docker.infoCmd().exec().getArchitecture();
    String a = arch == null ? "" : arch.toLowerCase(Locale.ROOT);
    return switch (a) {
      case "x86_64", "amd64" -> "x64";
      case "aarch64", "arm64" -> "arm64";
      default ->
          throw new ZerocredException(
              "The Docker engine runs on "
                  + ClaudeCodeVersion.printable(arch)
                  + "; Claude Code ships native binaries for linux x86_64 and arm64 only");
    };
  }

  private static Optional<String> imageId(DockerClient docker, String image) {
    try {
      return Optional.ofNullable(docker.inspectImageCmd(image).exec().getId());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** The tag is there and says it was built from exactly these inputs. */
  private static boolean current(DockerClient docker, String tag, String inputs) {
    try {
      InspectImageResponse image = docker.inspectImageCmd(tag).exec();
      Map<String, String> labels = image.getConfig() == null ? null : image.getConfig().getLabels();
      return labels != null && inputs.equals(labels.get("zerocred.runner.inputs"));
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static void pullBase(
      DockerClient docker,
      RunnerImageSpec spec,
      RunnerImageListener listener,
      Cancellation cancellation) {
    String base = spec.baseImage();
    listener.progress("Pulling the base image " + base);
    try {
      ResultCallback.Adapter<PullResponseItem> pulling = docker.pullImageCmd(base).start();
      boolean done;
      try (Cancellation.Registration stop = cancellation.onCancel(() -> closeQuietly(pulling))) {
        done = pulling.awaitCompletion(PULL_LIMIT_MINUTES, TimeUnit.MINUTES);
      }
      checkCancelled(cancellation);
      if (!done) {
        throw new ZerocredException("Pulling " + base + " did not finish in time");
      }
      docker.inspectImageCmd(base).exec();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ZerocredException("Interrupted while pulling " + base, e);
    } catch (RuntimeException e) {
      if (cancellation.isCancelled()) {
        throw new ZerocredException("Preparing the runner image was cancelled", e);
      }
      throw new ZerocredException(
          "The base image "
              + base
              + " is not on the Docker engine and cannot be pulled ("
              + DockerEngine.rootMessage(e)
              + "): set "
              + spec.names().of(ReviewSetting.BASE_IMAGE)
              + " to an image the engine has (or `docker load` one), or prepare the runner"
              + " image ahead with `zerocred image build` where a registry is reachable",
          e);
    }
  }

  private static void build(
      DockerClient docker,
      RunnerImageSpec spec,
      Plan plan,
      Path binary,
      RunnerImageListener listener,
      Cancellation cancellation)
      throws IOException {
    String tag = plan.tag().orElseThrow();
    PipedInputStream context = new PipedInputStream(1 << 20);
    PipedOutputStream sink = new PipedOutputStream(context);
    AtomicReference<Throwable> writeFailure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream out = sink) {
                writeContext(out, binary);
              } catch (IOException | RuntimeException e) {
                writeFailure.set(e);
              }
            },
            "zerocred-build-context");
    writer.setDaemon(true);
    writer.start();
    Steps steps = new Steps(listener);
    listener.progress(
        "docker build "
            + tag
            + " (context: the recipe and the "
            + Files.size(binary) / 1_000_000
            + " MB binary)");
    try (InputStream in = context) {
      ResultCallback.Adapter<BuildResponseItem> building =
          docker
              .buildImageCmd(in)
              // FROM the id just inspected: a tag moved meanwhile cannot change what is built.
              .withBuildArg("BASE_IMAGE", plan.baseImageId().orElseThrow())
              .withBuildArg("CLAUDE_CODE_VERSION", spec.claudeCodeVersion())
              .withBuildArg("ZEROCRED_INPUTS", plan.inputs().orElseThrow())
              .withBuildArg("ZEROCRED_BASE", spec.baseImage())
              .withTags(Set.of(tag))
              .withPull(false)
              .withRemove(true)
              .withForcerm(true)
              .exec(steps);
      boolean done;
      try (Cancellation.Registration stop = cancellation.onCancel(() -> closeQuietly(building))) {
        done = building.awaitCompletion(BUILD_LIMIT_MINUTES, TimeUnit.MINUTES);
      }
      checkCancelled(cancellation);
      if (!done) {
        throw new ZerocredException("Building " + tag + " did not finish in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ZerocredException("Interrupted while building " + tag, e);
    } catch (RuntimeException e) {
      if (e instanceof ZerocredException z) {
        throw z;
      }
      throw new ZerocredException(
          "Building the runner image " + tag + " failed: " + DockerEngine.rootMessage(e), e);
    } finally {
      writer.interrupt();
    }
    if (steps.error != null
        || writeFailure.get() != null
        || !current(docker, tag, plan.inputs().orElseThrow())) {
      String why =
          steps.error != null
              ? steps.error
              : writeFailure.get() != null
                  ? "the build context could not be written: " + writeFailure.get().getMessage()
                  : "the engine reported no error, but no image carries the tag";
      throw new ZerocredException(
          "Building the runner image "
              + tag
              + " failed: "
              + why
              + (steps.tail.isEmpty()
                  ? ""
                  : "\nLast lines of the build:\n  " + String.join("\n  ", steps.tail)));
    }
  }

  /** The build context: the recipe and the binary, mode 0755, owned by root. */
  private static void writeContext(OutputStream out, Path binary) throws IOException {
    byte[] dockerfile = RunnerImageRecipe.dockerfile().getBytes(StandardCharsets.UTF_8);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 64 * 1024)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry d = new TarArchiveEntry("Dockerfile");
      d.setSize(dockerfile.length);
      d.setMode(0100644);
      tar.putArchiveEntry(d);
      tar.write(dockerfile);
      tar.closeArchiveEntry();
      TarArchiveEntry c = new TarArchiveEntry("claude");
      c.setSize(Files.size(binary));
      c.setMode(0100755);
      tar.putArchiveEntry(c);
      try (InputStream in = Files.newInputStream(binary, LinkOption.NOFOLLOW_LINKS)) {
        in.transferTo(tar);
      }
      tar.closeArchiveEntry();
      tar.finish();
    }
  }

  private static void checkCancelled(Cancellation cancellation) {
    if (cancellation.isCancelled()) {
      throw new ZerocredException(
          "Preparing the runner image was cancelled: " + cancellation.reason().orElse("cancelled"));
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the wait it ends reports the cancellation
    }
  }

  /** Passes on the builder's step headers and our recipe's lines; keeps the tail for errors. */
  private static final class Steps extends ResultCallback.Adapter<BuildResponseItem> {
    private final RunnerImageListener listener;
    final Deque<String> tail = new ArrayDeque<>();
    volatile String error;

    Steps(RunnerImageListener listener) {
      this.listener = listener;
    }

    @Override
    public void onNext(BuildResponseItem item) {
      if (item.getErrorDetail() != null || item.getError() != null) {
        String m =
            item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                ? item.getErrorDetail().getMessage()
                : item.getError();
        error = clean(m);
        return;
      }
      String stream = item.getStream();
      if (stream == null) {
        return;
      }
      for (String raw : stream.split("\n")) {
        String line = clean(raw);
        if (line.isBlank()) {
          continue;
        }
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        if (line.startsWith("Step ")) {
          listener.progress(line.length() > STEP_LINE ? line.substring(0, STEP_LINE) + "…" : line);
        } else if (line.startsWith("zerocred: ")) {
          listener.progress(line);
        }
      }
    }
  }

  /** Control characters removed, length bounded. */
  static String clean(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_LINE));
    for (int i = 0; i < s.length() && b.length() < MAX_LINE; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString().strip();
  }
}
