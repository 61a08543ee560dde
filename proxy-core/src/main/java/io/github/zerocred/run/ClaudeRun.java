package io.github.zerocred.run;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PullResponseItem;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.proxy.ZerocredProxy;
import io.github.zerocred.run.RunEvent.Phase;
import io.github.zerocred.workspace.WorkspaceSelection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs Claude Code once, in print mode, in a locked-down container against a workspace, and tears
 * everything down again. The entry point both front ends call:
 *
 * <pre>{@code
 * RunResult result = ClaudeRun.execute(RunConfig.builder()
 *     .workspace(Path.of("."))
 *     .prompt("Review this change")
 *     .credentials(Credentials.fromEnvironment(System.getenv()))
 *     .build());
 * }</pre>
 *
 * <p>Order of work: reach the engine and check the image; sweep what dead runs left and write the
 * workspace's archive, each on a thread of its own ({@link SideStep}: the archive is done before
 * the network is made, the sweep before the container starts); create an {@code --internal}
 * network; start the proxy on that network's gateway (or on this JVM's own address there, when it
 * runs in a container; in a container of its own on the engine, {@link ProxyContainer}, when the
 * engine is remote); create the container (non-root, no capabilities, no new privileges, limits,
 * labels) and copy the workspace, the CA and the prompt in; run; collect stream-json; stop the
 * proxy and hand the result over ({@link #executeHandingOver}). Each thing the run makes on the
 * engine or the host is a handle ({@link RunNetwork} with its firewall rules, the proxy, {@link
 * RunContainer}, {@link TempDirectory}, the final label sweep) opened in try-with-resources, so it
 * is closed in reverse order however the run ends.
 *
 * <p>Stopping early: a {@link Cancellation} passed to {@link #execute(RunConfig, Cancellation)}
 * stops the run between any two of these steps (nothing more is created) or, while Claude Code
 * works, wakes the follow loop at once, kills the container and returns a {@link
 * RunResult.Outcome#CANCELLED} result with what was collected so far; the handles close as always.
 * The run's shutdown hook (SIGINT/SIGTERM in a JVM whose front end does not handle signals itself,
 * such as Maven) cancels the same way and waits, bounded, for the run thread to close them, closing
 * what is still open itself only if the run thread does not finish in time (every handle closes
 * once, whichever thread comes first).
 */
public final class ClaudeRun {
  static final String CONTAINER_USER = "1000:1000";
  static final int CONTAINER_UID = 1000;
  static final String HOME = "/home/claude";
  static final String WORKDIR = "/workspace";
  static final String CA_PATH = "/etc/zerocred/ca.pem";
  static final String PROMPT_PATH = "/etc/zerocred/prompt.txt";

  /** The home directory's initial files; the entry point copies them onto the home tmpfs. */
  static final String HOME_SEED = "/etc/zerocred/home";

  private static final Duration LOG_DRAIN = Duration.ofSeconds(5);
  // After a kill the stream ends within milliseconds; a cancelled CI job is killed ~10 s after its
  // first signal, so every step of a cancellation is kept short.
  private static final Duration CANCEL_DRAIN = Duration.ofSeconds(2);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);
  private static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

  private final RunConfig config;
  private final String runId;
  private final Owner owner = Owner.current();
  private final RunListener listener;
  private final Cancellation cancellation;
  // Each step's time, reported as RunEvent.Timed (the front ends print a breakdown).
  private final RunTimer timer;
  // Counted down once run() has closed everything: the shutdown hook waits for it.
  private final CountDownLatch finished = new CountDownLatch(1);
  // Every handle the run opened, newest first: the shutdown hook closes what the run thread could
  // not. The run thread closes them itself with try-with-resources; each closes only once.
  private final Deque<AutoCloseable> opened = new ConcurrentLinkedDeque<>();

  // Only the run thread reads and writes these.
  private String selfContainerId;
  private RunProxy proxy;
  private boolean containerStarted;
  // The engine is remote (or the setting says so): the proxy runs in a container beside Claude's.
  private boolean proxyInContainer;
  // When Claude Code's output ended (System.nanoTime()); 0 until then. Teardown is timed from it.
  private long teardownStart;
  // How the engine is reached: the copy-in takes the local socket itself (EngineSocket).
  private String engineHost;
  // Takes the result as soon as it is known, before the teardown (executeHandingOver).
  private Consumer<RunResult> handOver = r -> {};
  private Instant begin;

  private ClaudeRun(RunConfig config, String runId, Cancellation cancellation) {
    this.config = config;
    this.runId = runId;
    this.listener = safe(config.listener());
    this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
    this.timer = new RunTimer(runId, listener);
  }

  /**
   * Runs Claude Code as configured and returns how it went. Everything the run created is gone when
   * this returns, whatever the outcome.
   *
   * @throws InvalidConfigurationException when the configuration turns out to be unusable (such as
   *     an unreadable workspace); nothing is left behind then either
   */
  public static RunResult execute(RunConfig config) {
    return execute(config, Cancellation.create());
  }

  /**
   * Runs Claude Code as {@link #execute(RunConfig)} does, stopping early when {@code cancellation}
   * is cancelled: then the result's outcome is {@link RunResult.Outcome#CANCELLED}, with the
   * partial output, and everything the run created is gone as well when this returns.
   */
  public static RunResult execute(RunConfig config, Cancellation cancellation) {
    return new ClaudeRun(config, UUID.randomUUID().toString(), cancellation).run();
  }

  /**
   * Runs Claude Code as {@link #execute(RunConfig, Cancellation)} does, on a thread of its own, and
   * returns as soon as the result is known: once Claude Code's container has exited and the proxy
   * has stopped (its usage and audit log are final then), while that thread still removes the
   * container, the network, the firewall rules and the temporary files. A front end delivers the
   * review meanwhile, then closes the returned handle, which waits for the teardown: so the review
   * is out one teardown sooner, and everything is still gone before the process ends. A run that
   * fails before it has a result hands it over after its teardown, as {@code execute} returns it.
   *
   * @throws InvalidConfigurationException as {@code execute}, after the teardown
   */
  public static TeardownPending executeHandingOver(RunConfig config, Cancellation cancellation) {
    ClaudeRun run = new ClaudeRun(config, UUID.randomUUID().toString(), cancellation);
    return TeardownPending.start(
        "zerocred-run-" + run.runId,
        handOver -> {
          run.handOver = handOver;
          return run.run();
        });
  }

  private RunResult run() {
    Instant start = Instant.now();
    begin = start;
    Thread hook = new Thread(this::onShutdown, "zerocred-teardown-" + runId);
    Runtime.getRuntime().addShutdownHook(hook);
    RunResult outcome;
    try {
      outcome = runContained(start);
    } catch (Cancelled e) {
      outcome = Results.cancelledBeforeStart(runId, reason());
    } catch (DockerEngineUnavailableException e) {
      outcome = Results.failure(runId, e.getMessage());
    } catch (InvalidConfigurationException e) {
      // Everything the run opened is closed already (try-with-resources).
      closeOpened();
      removeHook(hook);
      throw e;
    } catch (ZerocredException e) {
      outcome = cancelledOr(Results.failure(runId, e.getMessage()));
    } catch (RuntimeException e) {
      outcome =
          cancelledOr(Results.failure(runId, "The run failed: " + DockerEngine.rootMessage(e)));
    } finally {
      closeOpened();
      finished.countDown();
    }
    if (teardownStart != 0) {
      timer.since(Phase.TEARDOWN, teardownStart);
    }
    removeHook(hook);
    RunResult result = measured(outcome);
    listener.onEvent(new RunEvent.Finished(runId, result));
    return result;
  }

  /** {@code outcome} with the wall time so far and what the proxy measured (final once stopped). */
  private RunResult measured(RunResult outcome) {
    RunResult result = outcome.withWallTime(Duration.between(begin, Instant.now()));
    return proxy == null ? result : result.withProxyUsage(proxy.usage());
  }

  /**
   * A failure while a cancellation was under way (the pull it cut short, an engine call that failed
   * meanwhile) is reported as the cancellation: that is why the run ended.
   */
  private RunResult cancelledOr(RunResult failure) {
    if (!cancellation.isCancelled()) {
      return failure;
    }
    return containerStarted
        ? Results.notRun(
            runId,
            RunResult.Outcome.CANCELLED,
            "The run was cancelled (" + reason() + ") while Claude Code was working")
        : Results.cancelledBeforeStart(runId, reason());
  }

  private String reason() {
    return cancellation.reason().orElse("cancelled");
  }

  /** Stops here, creating nothing more, when the run was cancelled; teardown follows. */
  private void checkCancelled() {
    if (cancellation.isCancelled()) {
      throw new Cancelled();
    }
  }

  /**
   * The JVM is going down (SIGINT or SIGTERM where no front end handles them, System.exit): cancel
   * and let the run thread kill the container and close its handles, which also writes nothing
   * twice; only if it does not finish in time, close what is still open from here.
   */
  private void onShutdown() {
    cancellation.cancel("the JVM is shutting down");
    try {
      if (finished.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeOpened();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook runs (harmlessly) or has run.
    }
  }

  @SuppressWarnings("try") // the leftover sweep is closed, never referenced
  private RunResult runContained(Instant start) {
    checkCancelled();
    try (Step slot = awaitSlot();
        DockerEngine engine =
            opened(timer.timed(Phase.ENGINE, () -> DockerEngine.connect(config.dockerHost())))) {
      // The timeout counts from here: a wait for a run slot does not eat into it.
      Instant begun = config.runSlots().isPresent() ? Instant.now() : start;
      DockerClient docker = engine.client();
      long imageStart = System.nanoTime();
      engineHost = engine.host();
      checkImage(engine);
      proxyInContainer = config.proxyPlacement().inContainer(engine.host());
      if (config.bindMountWorkspace() && ProxyPlacement.overTcp(engine.host())) {
        // The engine would mount whatever lies at that path on its own machine.
        throw new InvalidConfigurationException(
            "bindMountWorkspace needs a Docker engine on this machine, and the one at "
                + engine.host()
                + " is reached over TCP: let the workspace be copied in instead");
      }
      if (proxyInContainer) {
        ProxyContainer.checkImage(docker, config.proxyImage(), engine.host());
      }
      checkRuntime(engine);
      timer.since(Phase.IMAGE, imageStart);
      checkCancelled();
      Sweeper sweeper = new Sweeper(docker, this::warn);
      try (Step leftovers = once(() -> sweepLeftovers(sweeper));
          TempDirectory temp = opened(TempDirectory.create("zerocred-run-", this::warn));
          // The sweep waits on the engine and the archive on the disk: each runs beside the run's
          // own steps (the sweep until the container starts), which do not need their results yet.
          // Neither creates anything on the engine; closing waits for them.
          SideStep<Sweeper.Swept> sweep =
              opened(
                  SideStep.start(
                      "zerocred-sweep-" + runId,
                      () -> timer.timed(Phase.SWEEP, () -> sweepAbandoned(sweeper))));
          SideStep<Path> archive =
              opened(
                  SideStep.start(
                      "zerocred-archive-" + runId,
                      () -> timer.timed(Phase.WORKSPACE, () -> workspaceArchive(temp.path()))))) {
        // Before anything exists on the engine: a secret in the workspace refuses the run here.
        Path workspaceArchive = archive.join();
        try (RunNetwork network = timer.timed(Phase.NETWORK, () -> createNetwork(docker, sweep));
            Step proxyStopped = startProxy(docker, network);
            RunContainer container =
                timer.timed(
                    Phase.CONTAINER, () -> createContainer(engine, network, workspaceArchive))) {
          timer.timed(Phase.COPY_IN, () -> copyFilesIn(container, temp.path(), workspaceArchive));
          StreamJsonCollector collector = new StreamJsonCollector(runId, listener);
          // What dead runs left is gone before this run's container starts, as it always was.
          sweep.join();
          checkCancelled();
          timer.timed(Phase.START, container::start);
          containerStarted = true;
          long claudeStart = System.nanoTime();
          timer.since(Phase.SET_UP, timer.firstStart());
          listener.onEvent(
              new RunEvent.Started(
                  runId, config.image(), container.id(), network.name(), proxy.address()));
          RunResult outcome;
          try {
            outcome = follow(container, collector, begun);
          } finally {
            timer.since(Phase.CLAUDE, claudeStart);
            teardownStart = System.nanoTime();
          }
          // Claude Code's container has exited (or was killed): stopping the proxy first makes its
          // usage and audit log final, so the result can be handed over before the engine work.
          proxyStopped.close();
          handOver.accept(measured(outcome));
          return outcome;
        }
      }
    }
  }

  /**
   * Creates the run's network while the sweep may still be removing dead runs' networks: should the
   * subnet pool be full of them (a small pool), the network is made again once the sweep has freed
   * some.
   */
  private RunNetwork createNetwork(DockerClient docker, SideStep<Sweeper.Swept> sweep) {
    checkCancelled();
    // A remote engine does not run this JVM's container, whatever it holds of the same name.
    selfContainerId = proxyInContainer ? null : SelfContainer.find(docker).orElse(null);
    try {
      return createNetwork(docker);
    } catch (ZerocredException e) {
      if (sweep.join().networks() == 0) {
        throw e;
      }
      return createNetwork(docker);
    }
  }

  /** Removes what runs whose owner is gone left behind, their firewall rules included. */
  private Sweeper.Swept sweepAbandoned(Sweeper sweeper) {
    Sweeper.Swept swept = sweeper.sweepAbandoned(owner);
    if (swept.containers() + swept.networks() > 0) {
      listener.onEvent(new RunEvent.Swept(runId, swept.containers(), swept.networks()));
    }
    HostFirewall.find().ifPresent(f -> sweepFirewall(f, sweeper));
    return swept;
  }

  private RunNetwork createNetwork(DockerClient docker) {
    if (proxyInContainer) {
      return opened(
          RunNetwork.createWithoutHost(docker, runId, labels(), config.subnetPool(), this::warn));
    }
    return opened(
        RunNetwork.create(
            docker, runId, labels(), selfContainerId, config.subnetPool(), this::warn));
  }

  // --- run slots and container runtime (issue 15) ---

  /** Waits for a slot of the embedding code's {@link RunSlots}, if it gave one; reports waiting. */
  private Step awaitSlot() {
    if (config.runSlots().isEmpty()) {
      return () -> {};
    }
    RunSlots.Slot slot;
    try {
      slot =
          config
              .runSlots()
              .get()
              .acquire(
                  cancellation,
                  config.progressInterval(),
                  (ahead, running, limit, waited) ->
                      listener.onEvent(new RunEvent.Queued(runId, ahead, running, limit, waited)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ZerocredException("Interrupted while waiting for a run slot", e);
    }
    if (slot == null) {
      throw new Cancelled();
    }
    return once(slot::close);
  }

  private void checkRuntime(DockerEngine engine) {
    config
        .runtime()
        .ifPresent(
            r ->
                ContainerRuntime.requireRegistered(
                    engine.client().infoCmd().exec(), r, engine.host()));
  }

  // --- end of run slots and container runtime ---

  /** Starts the proxy on the run network and locks the network's way to this host to it. */
  private Step startProxy(DockerClient docker, RunNetwork network) {
    checkCancelled();
    if (proxyInContainer) {
      ProxyContainer started =
          timer.timed(
              Phase.PROXY,
              () ->
                  ProxyContainer.start(
                      docker,
                      config,
                      runId,
                      labels(),
                      network.id(),
                      cancellation::isCancelled,
                      this::warn));
      proxy = started;
      return once(started::close);
    }
    ZerocredProxy started =
        timer.timed(
            Phase.PROXY,
            () ->
                ZerocredProxy.start(
                    config
                        .proxy()
                        .forRun(runId, new InetSocketAddress(network.listenAddress(), 0))));
    proxy = RunProxy.inJvm(started);
    Step stop = once(() -> stopProxy(started));
    try {
      timer.timed(Phase.FIREWALL, () -> network.lockTo(started.address()));
    } catch (RuntimeException e) {
      stop.close();
      throw e;
    }
    return stop;
  }

  private RunContainer createContainer(
      DockerEngine engine, RunNetwork network, Path workspaceArchive) {
    checkCancelled();
    RunContainer.Spec spec =
        new RunContainer.Spec(
            "zerocred-" + runId,
            network.name(),
            labels(),
            environment(),
            claudeCommand(),
            size(workspaceArchive),
            config.bindMountWorkspace() ? realWorkspace() : null);
    return opened(
        RunContainer.create(engine.client(), engine.storageInfo(), config, spec, this::warn));
  }

  /** The run's labels; a zerocred in a container also names that container as the owner. */
  private Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>(owner.labels(runId));
    if (selfContainerId != null) {
      labels.put(Sweeper.OWNER_CONTAINER, selfContainerId);
    }
    return labels;
  }

  private void sweepFirewall(HostFirewall f, Sweeper sweeper) {
    try {
      f.sweep(sweeper::liveRuns); // asked after the rules are read: see HostFirewall#sweep
    } catch (IOException | RuntimeException e) {
      warn("Could not remove the firewall rules of finished runs: " + e.getMessage());
    }
  }

  private void checkImage(DockerEngine engine) {
    if (engine.hasImage(config.image())) {
      return;
    }
    if (config.pullMissingImage()) {
      pull(engine.client());
      return;
    }
    throw new ZerocredException(
        "The image "
            + config.image()
            + " is not on the Docker engine at "
            + engine.host()
            + ": leave the image unset and zerocred builds its own runner image (see"
            + " runner-image/README.md), or `docker pull "
            + config.image()
            + "` where its registry is reachable");
  }

  private void pull(DockerClient docker) {
    warn("The image " + config.image() + " is not on the engine; pulling it");
    try {
      ResultCallback.Adapter<PullResponseItem> pulling =
          docker.pullImageCmd(config.image()).start();
      boolean done;
      // Closing the callback ends the wait: a cancelled job does not wait for a large pull.
      try (Cancellation.Registration stop = cancellation.onCancel(() -> closeQuietly(pulling))) {
        done = pulling.awaitCompletion(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      }
      checkCancelled();
      if (!done) {
        throw new ZerocredException("Pulling " + config.image() + " did not finish in time");
      }
      docker.inspectImageCmd(config.image()).exec();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ZerocredException("Interrupted while pulling " + config.image(), e);
    } catch (Cancelled e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ZerocredException(
          "Could not pull the image "
              + config.image()
              + " ("
              + e.getMessage()
              + "): check the name and that the registry is reachable and allows pulls",
          e);
    }
  }

  /** The command line, without the prompt: that goes in on standard input. */
  List<String> claudeCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add("claude");
    cmd.add("--print");
    cmd.add("--output-format");
    cmd.add("stream-json");
    cmd.add("--verbose");
    cmd.add("--dangerously-skip-permissions");
    config
        .model()
        .ifPresent(
            m -> {
              cmd.add("--model");
              cmd.add(m);
            });
    config
        .maxTurns()
        .ifPresent(
            t -> {
              cmd.add("--max-turns");
              cmd.add(Integer.toString(t));
            });
    config
        .maxBudgetUsd()
        .ifPresent(
            b -> {
              cmd.add("--max-budget-usd");
              cmd.add(b.toPlainString());
            });
    if (!config.allowedTools().isEmpty()) {
      cmd.add("--allowedTools");
      cmd.add(String.join(",", config.allowedTools()));
    }
    if (!config.disallowedTools().isEmpty()) {
      cmd.add("--disallowedTools");
      cmd.add(String.join(",", config.disallowedTools()));
    }
    config
        .jsonSchema()
        .ifPresent(
            schema -> {
              // Claude Code offers the schema to the model as a StructuredOutput tool, validates
              // the answer against it and puts it in the result event's structured_output.
              cmd.add("--json-schema");
              cmd.add(schema);
            });
    return cmd;
  }

  private List<String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", HOME);
    // Placeholders only: the real credentials stay in this JVM, inside the proxy.
    env.putAll(proxy.placeholders());
    String url = proxy.proxyUrl();
    env.put("HTTPS_PROXY", url);
    env.put("HTTP_PROXY", url);
    env.put("https_proxy", url);
    env.put("http_proxy", url);
    env.put("NO_PROXY", "");
    env.put("no_proxy", "");
    env.put("NODE_EXTRA_CA_CERTS", CA_PATH);
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    List<String> list = new ArrayList<>();
    env.forEach((k, v) -> list.add(k + "=" + v));
    return list;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private Path realWorkspace() {
    try {
      return config.workspace().toRealPath();
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          "workspace " + config.workspace() + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the workspace's archive (or, for a bind mount, only reads it through the scan) and
   * refuses the run if it holds a secret the run knows. Streams: the scan sees each chunk once, on
   * its way to the archive file. The archive is written whole before it is uploaded, not streamed
   * into the upload: so a secret refuses the run before anything reaches the engine, not merely
   * before any secret byte does (bench/RESULTS.md, copy-in, says what that costs).
   *
   * @throws SecretInWorkspaceException naming the files, never the secret
   */
  private Path workspaceArchive(Path tempDir) {
    Path tar = tempDir.resolve("workspace.tar");
    SecretScanner scanner = SecretScanner.of(config.allSecrets());
    List<ContainerFiles.SecretFound> found;
    List<String> gitCredentials;
    try (OutputStream out =
            config.bindMountWorkspace()
                ? OutputStream.nullOutputStream()
                : Files.newOutputStream(tar);
        ContainerFiles files = new ContainerFiles(out, scanner)) {
      Path workspace = realWorkspace();
      // A bind mount shows every file, so every file is scanned; a copy takes what the setting
      // says.
      WorkspaceSelection selection =
          config.bindMountWorkspace()
              ? WorkspaceSelection.all()
              : WorkspaceSelection.choose(
                  workspace, config.workspaceFiles(), config.workspaceFilesSetting(), this::warn);
      files.tree(workspace, WORKDIR.substring(1), CONTAINER_UID, selection);
      found = files.secretsFound();
      gitCredentials = files.gitConfigsWithCredentials();
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          "Cannot copy the workspace " + config.workspace() + ": " + e.getMessage(), e);
    }
    SecretScanner.Scan prompt = scanner.scan();
    prompt.update(config.prompt().getBytes(StandardCharsets.UTF_8));
    if (prompt.hit() != null) {
      throw SecretInWorkspaceException.inPrompt(prompt.hit());
    }
    if (!found.isEmpty()) {
      throw SecretInWorkspaceException.of(found, WORKDIR.substring(1) + "/");
    }
    if (config.bindMountWorkspace() && !gitCredentials.isEmpty()) {
      // A bind mount shows the files as they are: the credentials cannot be taken out.
      throw SecretInWorkspaceException.bindMounted(gitCredentials, WORKDIR.substring(1) + "/");
    }
    return tar;
  }

  private void copyFilesIn(RunContainer container, Path tempDir, Path workspaceArchive) {
    Path tar = tempDir.resolve("container-files.tar");
    try (OutputStream out = Files.newOutputStream(tar);
        ContainerFiles files = new ContainerFiles(out)) {
      files.directory("etc/zerocred", ContainerFiles.ROOT, 0755);
      files.file(CA_PATH.substring(1), proxy.caCertificatePem(), ContainerFiles.ROOT, 0644);
      files.file(PROMPT_PATH.substring(1), config.prompt(), ContainerFiles.ROOT, 0644);
      files.directory(HOME_SEED.substring(1), CONTAINER_UID, 0755);
      // Writable: Claude Code records its state here.
      files.file(
          HOME_SEED.substring(1) + "/.claude.json",
          "{\"hasCompletedOnboarding\": true}\n",
          CONTAINER_UID,
          0600);
    } catch (IOException e) {
      throw new ZerocredException("Cannot write the container's files: " + e.getMessage(), e);
    }
    container.copyIn(tar, engineHost);
    if (!config.bindMountWorkspace()) {
      container.copyIn(workspaceArchive, engineHost);
    }
  }

  private RunResult follow(RunContainer container, StreamJsonCollector collector, Instant start) {
    LogFollower logs = container.logs(new LogFollower(collector, MAX_LINE_BYTES), true);

    Instant deadline = start.plus(config.timeout());
    Instant nextBeat = Instant.now().plus(config.progressInterval());
    boolean timedOut = false;
    boolean cancelled = false;
    // A cancellation wakes this thread at once, from whichever thread cancels.
    try (Cancellation.Registration wakeUp = cancellation.onCancel(logs::wake)) {
      while (true) {
        Instant now = Instant.now();
        if (cancellation.isCancelled()) {
          cancelled = true;
          break;
        }
        if (!now.isBefore(deadline)) {
          timedOut = true;
          break;
        }
        Instant wake = nextBeat.isBefore(deadline) ? nextBeat : deadline;
        if (logs.awaitEndOrWake(Math.max(1, Duration.between(now, wake).toMillis()))) {
          if (cancellation.isCancelled()) {
            cancelled = true;
            break;
          }
          if (logs.fatal() != null) {
            break; // our side failed reading the output: stop now, not at the timeout
          }
          // The stream ends when the container exits, or when it broke off: make sure which. A
          // container that finished by itself keeps its own result, even if a cancel came late.
          boolean exited = awaitExit(container, deadline);
          cancelled = !exited && cancellation.isCancelled();
          timedOut = !exited && !cancelled;
          break;
        }
        if (!Instant.now().isBefore(nextBeat)) {
          listener.onEvent(
              new RunEvent.Elapsed(
                  runId, Duration.between(start, Instant.now()), collector.turns()));
          nextBeat = nextBeat.plus(config.progressInterval());
        }
      }
      if (timedOut || cancelled) {
        container.kill(); // one that exited just now: the inspection below tells
        // What the container printed up to the kill is the partial output: let it arrive.
        logs.await((cancelled ? CANCEL_DRAIN : LOG_DRAIN).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timedOut = true;
    } finally {
      closeQuietly(logs);
    }
    logs.flush();
    if (cancelled) {
      return Results.cancelled(runId, reason(), collector, start);
    }
    if (logs.fatal() != null) {
      container.kill(); // it may have exited; closing removes it either way
      return Results.outputFailure(runId, logs.fatal(), collector, start);
    }

    StreamJsonCollector complete = collector;
    if ((logs.error() != null || collector.result().isEmpty()) && !timedOut) {
      // The live stream broke off, or ended early (the engine's follow can stop at a rotation of
      // the size-limited log): read what the log keeps again for the result (progress was live).
      complete = new StreamJsonCollector(runId, RunListener.NONE);
      LogFollower again = new LogFollower(complete, MAX_LINE_BYTES);
      try {
        container.logs(again, false);
        again.await(LOG_DRAIN.toMillis() * 6);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(again);
      }
      again.flush();
    }
    return Results.from(runId, config, complete, container.exit(), timedOut, start);
  }

  /** Waits until the container exits or the deadline passes; true if it exited. */
  private boolean awaitExit(RunContainer container, Instant deadline) throws InterruptedException {
    long pause = 10;
    while (Instant.now().isBefore(deadline) && !cancellation.isCancelled()) {
      if (!container.isRunning()) {
        return true;
      }
      // The log stream ends as the container exits: its state follows within milliseconds.
      Thread.sleep(pause);
      pause = Math.min(200, pause * 2);
    }
    return !container.isRunning();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // A log stream that ended already; the handles never throw.
    }
  }

  /** Registers a handle for the shutdown hook's last resort; the run thread closes it itself. */
  private <T extends AutoCloseable> T opened(T handle) {
    opened.push(handle);
    return handle;
  }

  /** Something to undo when the run ends, once, from whichever thread comes first. */
  private Step once(Runnable undo) {
    AtomicBoolean done = new AtomicBoolean();
    return opened(
        () -> {
          if (done.compareAndSet(false, true)) {
            undo.run();
          }
        });
  }

  /** Closes every handle still open, newest first; those closed already do nothing. */
  private void closeOpened() {
    AutoCloseable handle;
    while ((handle = opened.poll()) != null) {
      closeQuietly(handle);
    }
  }

  /** Last, whatever else carries the run's label (such as a container made as a create failed). */
  private void sweepLeftovers(Sweeper sweeper) {
    try {
      sweeper.sweepRun(runId);
    } catch (RuntimeException ex) {
      warn("Could not check for leftovers of run " + runId + ": " + DockerEngine.rootMessage(ex));
    }
  }

  private void stopProxy(ZerocredProxy p) {
    try {
      p.close();
    } catch (RuntimeException ex) {
      warn("Could not stop the proxy cleanly: " + DockerEngine.rootMessage(ex));
    }
  }

  private void warn(String message) {
    listener.onEvent(new RunEvent.Warning(runId, message));
  }

  /** A listener whose failures never break the run. */
  private static RunListener safe(RunListener listener) {
    return event -> {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        // The listener's problem; the run and its teardown go on.
      }
    };
  }

  /** A handle whose closing never throws. */
  private interface Step extends AutoCloseable {
    @Override
    void close();
  }

  /** Thrown between two steps of a cancelled run, so that it creates nothing more. */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("cancelled", null, false, false);
    }
  }
}
