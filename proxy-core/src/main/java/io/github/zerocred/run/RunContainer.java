package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The run's container as a handle: created locked down (non-root, no capabilities, no new
 * privileges, memory, CPU, process and disk limits, the run's labels), and force-removed by {@link
 * #close()}, once, from whichever thread comes first.
 */
final class RunContainer implements AutoCloseable {
  private final DockerClient docker;
  private final String id;
  private final Consumer<String> warnings;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RunContainer(DockerClient docker, String id, Consumer<String> warnings) {
    this.docker = docker;
    this.id = id;
    this.warnings = warnings;
  }

  /**
   * What the container is made of besides the run's configuration.
   *
   * @param name the container's name
   * @param network the network it is the only member of, besides the proxy
   * @param labels the run's labels, for the sweep
   * @param environment {@code NAME=value} entries: placeholders and the proxy, never a credential
   * @param command Claude Code's command line, without the prompt
   * @param workspaceBytes the size of the workspace copy, for the writable layer's limit
   * @param boundWorkspace the workspace to bind-mount read-only, or null when it is copied in
   */
  record Spec(
      String name,
      String network,
      Map<String, String> labels,
      List<String> environment,
      List<String> command,
      long workspaceBytes,
      Path boundWorkspace) {}

  /**
   * Creates the container (not started); an engine that cannot limit its disk is warned about.
   *
   * @param storage the engine's storage driver, which tells whether it can limit the disk
   */
  static RunContainer create(
      DockerClient docker, Info storage, RunConfig config, Spec spec, Consumer<String> warnings) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode(spec.network())
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMemory(config.memoryBytes())
            .withMemorySwap(config.memoryBytes())
            .withNanoCPUs(Math.round(config.cpus() * 1_000_000_000d))
            .withPidsLimit(config.pidsLimit());
    ContainerLimits.apply(host, ClaudeRun.HOME, ClaudeRun.CONTAINER_UID, config.memoryBytes());
    config.runtime().ifPresent(host::withRuntime); // checked against the engine's list before
    if (spec.boundWorkspace() != null) {
      host.withBinds(
          new Bind(spec.boundWorkspace().toString(), new Volume(ClaudeRun.WORKDIR), AccessMode.ro));
    }
    Optional<String> layerSize = ContainerLimits.writableLayerSize(storage, spec.workspaceBytes());
    layerSize.ifPresent(size -> host.withStorageOpt(Map.of("size", size)));
    try {
      return new RunContainer(docker, create(docker, config, spec, host), warnings);
    } catch (RuntimeException e) {
      if (layerSize.isEmpty() || !ContainerLimits.isStorageOptRefusal(e)) {
        throw e;
      }
      warnings.accept(
          "The Docker engine cannot limit the container's writable layer ("
              + DockerEngine.rootMessage(e)
              + "); the workspace copy is not size-limited on this machine");
      return new RunContainer(
          docker, create(docker, config, spec, host.withStorageOpt(null)), warnings);
    }
  }

  private static String create(DockerClient docker, RunConfig config, Spec spec, HostConfig host) {
    // sh copies the home directory's first files onto its tmpfs and redirects the prompt file to
    // standard input: no argument-length limit, and the prompt never shows in a process list.
    String start =
        "cp -R " + ClaudeRun.HOME_SEED + "/. \"$HOME\"/ && exec \"$@\" < " + ClaudeRun.PROMPT_PATH;
    return docker
        .createContainerCmd(config.image())
        .withName(spec.name())
        .withHostName("zerocred")
        .withUser(ClaudeRun.CONTAINER_USER)
        .withWorkingDir(ClaudeRun.WORKDIR)
        .withEnv(spec.environment())
        .withLabels(spec.labels())
        .withEntrypoint("/bin/sh", "-c", start, "zerocred-run")
        .withCmd(spec.command())
        .withHostConfig(host)
        .exec()
        .getId();
  }

  String id() {
    return id;
  }

  /**
   * Unpacks a tar file at the container's root, then deletes the file (it may be large). On the
   * engine's local socket ({@code engineHost} {@code unix://...}) the file goes in as one request
   * with its length ({@link EngineSocket}).
   */
  void copyIn(Path tar, String engineHost) {
    EngineSocket.copyIn(docker, engineHost, id, tar);
    try {
      Files.delete(tar);
    } catch (IOException e) {
      // Removed with the temporary directory at the end of the run.
    }
  }

  void start() {
    docker.startContainerCmd(id).exec();
  }

  /** Kills the container; one that exited meanwhile is fine, its state tells the rest. */
  void kill() {
    try {
      docker.killContainerCmd(id).exec();
    } catch (RuntimeException e) {
      // It may have exited just now.
    }
  }

  /** Streams the container's output (both streams) into {@code callback}, following it or not. */
  <T extends ResultCallback<Frame>> T logs(T callback, boolean follow) {
    return docker
        .logContainerCmd(id)
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(follow)
        .exec(callback);
  }

  /** How the container ended: its exit code (none while it runs) and whether it was OOM-killed. */
  record Exit(Optional<Integer> code, boolean oomKilled) {}

  /** How the container ended, read without the whole inspection's model. */
  Exit exit() {
    JsonNode state = inspect().path("State");
    JsonNode code = state.path("ExitCode");
    return new Exit(
        code.isInt() ? Optional.of(code.intValue()) : Optional.empty(),
        state.path("OOMKilled").asBoolean(false));
  }

  boolean isRunning() {
    return EngineJson.isRunning(inspect());
  }

  private JsonNode inspect() {
    return EngineJson.container(docker, id)
        .orElseThrow(() -> new NotFoundException("the run's container " + id + " is gone"));
  }

  /** Force-removes the container with its volumes; once, never throws. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      new Sweeper(docker, warnings).removeContainer(id);
    }
  }
}
