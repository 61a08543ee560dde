package io.github.zerocred.run;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Something a run did, for a front end to show; the core itself never prints. */
public sealed interface RunEvent {

  /** The run this event belongs to. */
  String runId();

  /** Leftovers of runs whose owner is gone were removed before this run started. */
  record Swept(String runId, int containers, int networks) implements RunEvent {}

  /**
   * The container started: Claude Code is running.
   *
   * @param network the run's internal network
   * @param proxyAddress where the proxy listens on that network: the container's only way out
   */
  record Started(
      String runId,
      String image,
      String containerId,
      String network,
      InetSocketAddress proxyAddress)
      implements RunEvent {}

  /** Claude Code reported its session (the {@code system/init} event). */
  record SessionStarted(String runId, String sessionId, String model) implements RunEvent {}

  /** A new assistant turn began. */
  record Turn(String runId, int number) implements RunEvent {}

  /** Claude asked to use a tool. */
  record ToolUsed(String runId, int turn, String tool) implements RunEvent {}

  /** Tokens used so far, after each assistant message. */
  record TokensSoFar(String runId, TokenUsage usage) implements RunEvent {}

  /** A heartbeat while the run goes on. */
  record Elapsed(String runId, Duration elapsed, int turns) implements RunEvent {}

  /** Something went wrong that did not stop the run, such as a teardown step that failed. */
  record Warning(String runId, String message) implements RunEvent {}

  /** The run is over and everything it made is gone. */
  record Finished(String runId, RunResult result) implements RunEvent {}

  /**
   * The run waits for a slot of its {@link RunSlots} before it creates anything: when it starts
   * waiting, and at each progress interval while it waits.
   *
   * @param ahead how many runs wait before it
   * @param running how many runs hold a slot
   * @param limit how many may at once
   * @param waited how long it has waited so far
   */
  record Queued(String runId, int ahead, int running, int limit, Duration waited)
      implements RunEvent {}

  /**
   * One step of the run took this long (wall time). The set-up steps run one after the other, so
   * they add up to {@link Phase#SET_UP} less the gaps between them (the run's own bookkeeping).
   */
  record Timed(String runId, Phase phase, Duration took) implements RunEvent {}

  /** The steps of a run that {@link Timed} reports, in the order they begin. */
  enum Phase {
    /** Reaching the Docker engine (client set-up and a ping). */
    ENGINE("engine"),
    /** Checking that the image is there (or pulling it). */
    IMAGE("image"),
    /** Removing what dead runs left, firewall rules included. */
    SWEEP("sweep"),
    /** Writing the workspace's archive through the secret scan. */
    WORKSPACE("workspace archive"),
    /** Creating the run's network. */
    NETWORK("network"),
    /** Starting the proxy on the network. */
    PROXY("proxy"),
    /** Adding the host firewall rules that lock the network to the proxy. */
    FIREWALL("firewall"),
    /** Creating the container. */
    CONTAINER("container create"),
    /** Copying the workspace and the run's files into the container. */
    COPY_IN("copy-in"),
    /** Starting the container. */
    START("start"),
    /**
     * From the run's start until the container started: every step above, overlaps counted once.
     */
    SET_UP("set-up"),
    /** From the container's start until its output ended: Claude Code's own time. */
    CLAUDE("Claude Code"),
    /** Removing the container, the network, the rules, the proxy and the temporary files. */
    TEARDOWN("teardown");

    private final String label;

    Phase(String label) {
      this.label = label;
    }

    /** A short name for progress lines, such as {@code copy-in}. */
    public String label() {
      return label;
    }
  }
}
