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
}
