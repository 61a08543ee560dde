package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.Volume;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.proxy.ZerocredProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

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
 * <p>Order of work: reach the engine and check the image; sweep what dead runs left; create an
 * {@code --internal} network; start the proxy on that network's gateway (or on this JVM's own
 * address there, when it runs in a container); create the container (non-root, no capabilities, no
 * new privileges, limits, labels) and copy the workspace, the CA and the prompt in; run; collect
 * stream-json; tear down in {@code finally}.
 *
 * <p>Stopping early: a {@link Cancellation} passed to {@link #execute(RunConfig, Cancellation)}
 * stops the run between any two of these steps (nothing more is created) or, while Claude Code
 * works, wakes the follow loop at once, kills the container and returns a {@link
 * RunResult.Outcome#CANCELLED} result with what was collected so far; the teardown in {@code
 * finally} runs as always. The run's shutdown hook (SIGINT/SIGTERM in a JVM whose front end does
 * not handle signals itself, such as Maven) cancels the same way and waits, bounded, for that
 * teardown, tearing down itself only if the run thread does not finish in time.
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

  /** A result message quotes Claude's text: one line of at most this many characters. */
  private static final int MAX_MESSAGE_CHARS = 500;

  private final RunConfig config;
  private final String runId;
  private final Owner owner = Owner.current();
  private final RunListener listener;
  private final AtomicBoolean tornDown = new AtomicBoolean();
  private final Cancellation cancellation;
  // Counted down once run() has torn down: the shutdown hook waits for it.
  private final CountDownLatch finished = new CountDownLatch(1);

  // Resources, released by teardown(); set by the run thread, read by the shutdown hook.
  private volatile DockerEngine engine;
  private volatile ZerocredProxy proxy;
  private volatile String networkId;
  private volatile String containerId;
  private volatile String selfContainerId;
  private volatile Path tempDir;
  private volatile HostFirewall firewall;
  private volatile InetSocketAddress lockedProxy;
  private volatile boolean containerStarted;

  private ClaudeRun(RunConfig config, String runId, Cancellation cancellation) {
    this.config = config;
    this.runId = runId;
    this.listener = safe(config.listener());
    this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
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

  private RunResult run() {
    Instant start = Instant.now();
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
      teardown();
      finished.countDown();
      removeHook(hook);
      throw e;
    } catch (ZerocredException e) {
      outcome = cancelledOr(Results.failure(runId, e.getMessage()));
    } catch (RuntimeException e) {
      outcome =
          cancelledOr(Results.failure(runId, "The run failed: " + DockerEngine.rootMessage(e)));
    } finally {
      teardown();
      finished.countDown();
    }
    removeHook(hook);
    RunResult result = outcome.withWallTime(Duration.between(start, Instant.now()));
    if (proxy != null) {
      result = result.withProxyUsage(proxy.usage());
    }
    listener.onEvent(new RunEvent.Finished(runId, result));
    return result;
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
   * and let the run thread kill the container and tear down, which also writes nothing twice; only
   * if it does not finish in time, tear down from here. Teardown is idempotent either way.
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
    teardown();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook runs (harmlessly) or has run.
    }
  }

  private RunResult runContained(Instant start) {
    checkCancelled();
    engine = DockerEngine.connect(config.dockerHost());
    DockerClient docker = engine.client();
    checkImage(docker);
    checkCancelled();
    selfContainerId = SelfContainer.find(docker).orElse(null);
    Sweeper sweeper = new Sweeper(docker, this::warn);
    Sweeper.Swept swept = sweeper.sweepAbandoned(owner);
    if (swept.containers() + swept.networks() > 0) {
      listener.onEvent(new RunEvent.Swept(runId, swept.containers(), swept.networks()));
    }
    HostFirewall.find().ifPresent(f -> sweepFirewall(f, sweeper));
    try {
      tempDir = Files.createTempDirectory("zerocred-run-");
    } catch (IOException e) {
      throw new ZerocredException("Cannot create a temporary directory: " + e.getMessage(), e);
    }

    // Before anything exists on the engine: a secret in the workspace refuses the run here.
    Path workspaceArchive = workspaceArchive();

    String networkName = "zerocred-" + runId;
    checkCancelled();
    InetAddress listenAddress = createNetwork(docker, networkName);
    checkCancelled();
    proxy =
        ZerocredProxy.start(config.proxy().forRun(runId, new InetSocketAddress(listenAddress, 0)));
    lockHostAddresses();

    checkCancelled();
    containerId = createContainer(docker, networkName, workspaceArchive);
    copyFilesIn(docker, workspaceArchive);
    StreamJsonCollector collector = new StreamJsonCollector(runId, listener);
    checkCancelled();
    docker.startContainerCmd(containerId).exec();
    containerStarted = true;
    listener.onEvent(
        new RunEvent.Started(runId, config.image(), containerId, networkName, proxy.address()));

    return follow(docker, collector, start);
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
      f.sweep(sweeper.liveRuns());
    } catch (IOException | RuntimeException e) {
      warn("Could not remove the firewall rules of finished runs: " + e.getMessage());
    }
  }

  /**
   * The run network's default route leads to this host, so every host address answers the
   * container: allow only the proxy (see {@link HostFirewall}).
   */
  private void lockHostAddresses() {
    if (selfContainerId != null) {
      warn(
          "zerocred runs in a container: the run's container can reach services listening on the"
              + " Docker host's addresses; only the proxy leads off the machine");
      return;
    }
    Optional<HostFirewall> found = HostFirewall.find();
    if (found.isEmpty()) {
      warn(
          "Without root and iptables the run's container can reach services listening on this"
              + " host's addresses; only the proxy leads off the machine");
      return;
    }
    InetSocketAddress address = proxy.address();
    try {
      found
          .get()
          .lock(runId, HostFirewall.bridgeName(runId), address.getAddress(), address.getPort());
      firewall = found.get();
      lockedProxy = address;
    } catch (IOException e) {
      warn(
          "Could not restrict the run network to the proxy with iptables ("
              + e.getMessage()
              + "); the container can reach services listening on this host's addresses");
    }
  }

  private void checkImage(DockerClient docker) {
    try {
      docker.inspectImageCmd(config.image()).exec();
    } catch (NotFoundException e) {
      if (config.pullMissingImage()) {
        pull(docker);
        return;
      }
      throw new ZerocredException(
          "The image "
              + config.image()
              + " is not on the Docker engine at "
              + engine.host()
              + ": build it with `docker build -t "
              + config.image()
              + " runner-image/` (see runner-image/README.md), or `docker pull "
              + config.image()
              + "` where its registry is reachable",
          e);
    }
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

  private InetAddress createNetwork(DockerClient docker, String networkName) {
    networkId =
        docker
            .createNetworkCmd()
            .withName(networkName)
            .withDriver("bridge")
            .withInternal(true)
            .withCheckDuplicate(true)
            .withOptions(Map.of("com.docker.network.bridge.name", HostFirewall.bridgeName(runId)))
            .withLabels(labels())
            .exec()
            .getId();
    Network network = docker.inspectNetworkCmd().withNetworkId(networkId).exec();
    String gateway = null;
    if (network.getIpam() != null && network.getIpam().getConfig() != null) {
      gateway =
          network.getIpam().getConfig().stream()
              .map(Network.Ipam.Config::getGateway)
              .filter(g -> g != null && !g.isBlank() && !g.contains(":"))
              .findFirst()
              .orElse(null);
    }
    if (selfContainerId != null) {
      // In a container the gateway is the engine host's address, not ours: join the network.
      docker.connectToNetworkCmd().withNetworkId(networkId).withContainerId(selfContainerId).exec();
      InspectContainerResponse me = docker.inspectContainerCmd(selfContainerId).exec();
      ContainerNetwork mine = me.getNetworkSettings().getNetworks().get(networkName);
      if (mine == null || mine.getIpAddress() == null || mine.getIpAddress().isBlank()) {
        throw new ZerocredException(
            "Joined the run network " + networkName + " but got no address on it");
      }
      return ip(mine.getIpAddress());
    }
    if (gateway == null) {
      // IPAM may leave the gateway out (an engine started for the first time does so for its
      // default bridge): the bridge's interface on this host holds the address then.
      return bridgeAddress(HostFirewall.bridgeName(runId))
          .orElseThrow(
              () ->
                  new ZerocredException(
                      "The Docker engine gave the run network "
                          + networkName
                          + " no IPv4 gateway address, and its bridge has none on this host"));
    }
    return ip(gateway);
  }

  /** The IPv4 address of a network interface of this host, such as a run network's bridge. */
  static Optional<InetAddress> bridgeAddress(String interfaceName) {
    try {
      NetworkInterface nic = NetworkInterface.getByName(interfaceName);
      if (nic == null) {
        return Optional.empty();
      }
      return Collections.list(nic.getInetAddresses()).stream()
          .filter(a -> a instanceof Inet4Address)
          .findFirst();
    } catch (SocketException e) {
      return Optional.empty();
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: no lookup
    } catch (UnknownHostException e) {
      throw new ZerocredException("The Docker engine reported a bad address: " + literal, e);
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

  private String createContainer(DockerClient docker, String networkName, Path workspaceArchive) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode(networkName)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMemory(config.memoryBytes())
            .withMemorySwap(config.memoryBytes())
            .withNanoCPUs(Math.round(config.cpus() * 1_000_000_000d))
            .withPidsLimit(config.pidsLimit());
    ContainerLimits.apply(host, HOME, CONTAINER_UID, config.memoryBytes());
    if (config.bindMountWorkspace()) {
      host.withBinds(new Bind(realWorkspace().toString(), new Volume(WORKDIR), AccessMode.ro));
    }
    Optional<String> layerSize =
        ContainerLimits.writableLayerSize(docker.infoCmd().exec(), size(workspaceArchive));
    layerSize.ifPresent(size -> host.withStorageOpt(Map.of("size", size)));
    try {
      return createContainer(docker, host);
    } catch (RuntimeException e) {
      if (layerSize.isEmpty() || !ContainerLimits.isStorageOptRefusal(e)) {
        throw e;
      }
      warn(
          "The Docker engine cannot limit the container's writable layer ("
              + DockerEngine.rootMessage(e)
              + "); the workspace copy is not size-limited on this machine");
      return createContainer(docker, host.withStorageOpt(null));
    }
  }

  private String createContainer(DockerClient docker, HostConfig host) {
    // sh copies the home directory's first files onto its tmpfs and redirects the prompt file to
    // standard input: no argument-length limit, and the prompt never shows in a process list.
    String start = "cp -R " + HOME_SEED + "/. \"$HOME\"/ && exec \"$@\" < " + PROMPT_PATH;
    return docker
        .createContainerCmd(config.image())
        .withName("zerocred-" + runId)
        .withHostName("zerocred")
        .withUser(CONTAINER_USER)
        .withWorkingDir(WORKDIR)
        .withEnv(environment())
        .withLabels(labels())
        .withEntrypoint("/bin/sh", "-c", start, "zerocred-run")
        .withCmd(claudeCommand())
        .withHostConfig(host)
        .exec()
        .getId();
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
   * its way to the archive file.
   *
   * @throws SecretInWorkspaceException naming the files, never the secret
   */
  private Path workspaceArchive() {
    Path tar = tempDir.resolve("workspace.tar");
    SecretScanner scanner = SecretScanner.of(config.allSecrets());
    List<ContainerFiles.SecretFound> found;
    List<String> gitCredentials;
    try (OutputStream out =
            config.bindMountWorkspace()
                ? OutputStream.nullOutputStream()
                : Files.newOutputStream(tar);
        ContainerFiles files = new ContainerFiles(out, scanner)) {
      files.tree(realWorkspace(), WORKDIR.substring(1), CONTAINER_UID);
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

  private void copyFilesIn(DockerClient docker, Path workspaceArchive) {
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
    copyArchive(docker, tar);
    if (!config.bindMountWorkspace()) {
      copyArchive(docker, workspaceArchive);
    }
  }

  private void copyArchive(DockerClient docker, Path tar) {
    try (InputStream in = Files.newInputStream(tar)) {
      docker
          .copyArchiveToContainerCmd(containerId)
          .withRemotePath("/")
          .withTarInputStream(in)
          .exec();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.delete(tar);
    } catch (IOException e) {
      // Removed with the temporary directory at teardown.
    }
  }

  private RunResult follow(DockerClient docker, StreamJsonCollector collector, Instant start) {
    LogFollower logs = new LogFollower(collector, MAX_LINE_BYTES);
    docker
        .logContainerCmd(containerId)
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(true)
        .exec(logs);

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
          boolean exited = awaitExit(docker, deadline);
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
        try {
          docker.killContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
          // It may have exited just now; the inspection below tells.
        }
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
      try {
        docker.killContainerCmd(containerId).exec();
      } catch (RuntimeException e) {
        // It may have exited; teardown removes it either way.
      }
      return Results.outputFailure(runId, logs.fatal(), collector, start);
    }

    StreamJsonCollector complete = collector;
    if ((logs.error() != null || collector.result().isEmpty()) && !timedOut) {
      // The live stream broke off, or ended early (the engine's follow can stop at a rotation of
      // the size-limited log): read what the log keeps again for the result (progress was live).
      complete = new StreamJsonCollector(runId, RunListener.NONE);
      LogFollower again = new LogFollower(complete, MAX_LINE_BYTES);
      try {
        docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).exec(again);
        again.await(LOG_DRAIN.toMillis() * 6);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(again);
      }
      again.flush();
    }
    InspectContainerResponse.ContainerState state =
        docker.inspectContainerCmd(containerId).exec().getState();
    return Results.from(runId, config, complete, state, timedOut, start);
  }

  private boolean isRunning(DockerClient docker) {
    InspectContainerResponse.ContainerState state =
        docker.inspectContainerCmd(containerId).exec().getState();
    return state != null && Boolean.TRUE.equals(state.getRunning());
  }

  /** Waits until the container exits or the deadline passes; true if it exited. */
  private boolean awaitExit(DockerClient docker, Instant deadline) throws InterruptedException {
    while (Instant.now().isBefore(deadline) && !cancellation.isCancelled()) {
      if (!isRunning(docker)) {
        return true;
      }
      Thread.sleep(200);
    }
    return !isRunning(docker);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // A log stream that ended already.
    }
  }

  /**
   * Removes everything the run made, once, from the run thread or from the shutdown hook: the
   * container, our own attachment to the network, the network, the proxy, the temporary files; and
   * then whatever else carries the run's label.
   */
  private void teardown() {
    if (!tornDown.compareAndSet(false, true)) {
      return;
    }
    DockerEngine e = engine;
    if (e != null) {
      Sweeper sweeper = new Sweeper(e.client(), this::warn);
      if (containerId != null) {
        sweeper.removeContainer(containerId);
      }
      if (networkId != null) {
        sweeper.removeNetwork(networkId);
      }
      try {
        sweeper.sweepRun(runId);
      } catch (RuntimeException ex) {
        warn("Could not check for leftovers of run " + runId + ": " + DockerEngine.rootMessage(ex));
      }
    }
    HostFirewall f = firewall;
    if (f != null) {
      f.unlockQuietly(
              runId,
              HostFirewall.bridgeName(runId),
              lockedProxy.getAddress(),
              lockedProxy.getPort())
          .ifPresent(problem -> warn("Could not remove the run's firewall rules: " + problem));
    }
    ZerocredProxy p = proxy;
    if (p != null) {
      try {
        p.close();
      } catch (RuntimeException ex) {
        warn("Could not stop the proxy cleanly: " + DockerEngine.rootMessage(ex));
      }
    }
    Path dir = tempDir;
    if (dir != null) {
      deleteTree(dir);
    }
    if (e != null) {
      e.close();
    }
  }

  private void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException ex) {
      warn("Could not remove the temporary directory " + dir + ": " + ex.getMessage());
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

  /** Thrown between two steps of a cancelled run, so that it creates nothing more. */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  /** Turns what a run found out into its result; the wall time is added once teardown is done. */
  private static final class Results {
    private Results() {}

    static RunResult cancelledBeforeStart(String runId, String reason) {
      return notRun(
          runId,
          RunResult.Outcome.CANCELLED,
          "The run was cancelled (" + reason + ") before Claude Code started");
    }

    /** Claude Code was killed mid-run: keep every turn, token, and line of text seen so far. */
    static RunResult cancelled(
        String runId, String reason, StreamJsonCollector collector, Instant start) {
      Duration elapsed = Duration.between(start, Instant.now());
      String partial = collector.partialOutput();
      return new RunResult(
          runId,
          RunResult.Outcome.CANCELLED,
          "The run was cancelled ("
              + reason
              + ") after "
              + elapsed.toSeconds()
              + " s and "
              + collector.turns()
              + " turn(s), before Claude Code finished"
              + (partial.isBlank() ? "" : "; what it wrote so far is kept as partial output"),
          "",
          true,
          collector.turns(),
          0,
          collector.tokensSoFar(),
          elapsed.toMillis(),
          collector.sessionId(),
          Optional.empty(),
          partial,
          collector.stderrTail(),
          Optional.empty(),
          Duration.ZERO);
    }

    static RunResult failure(String runId, String message) {
      return notRun(runId, RunResult.Outcome.INFRASTRUCTURE_FAILURE, message);
    }

    /** A run that ended without anything of Claude Code's to keep: the outcome and why. */
    static RunResult notRun(String runId, RunResult.Outcome outcome, String message) {
      return new RunResult(
          runId,
          outcome,
          message,
          "",
          true,
          0,
          0,
          TokenUsage.NONE,
          0,
          Optional.empty(),
          Optional.empty(),
          "",
          "",
          Optional.empty(),
          Duration.ZERO);
    }

    /** zerocred failed while reading the container's output (such as running out of memory). */
    static RunResult outputFailure(
        String runId, Throwable fatal, StreamJsonCollector collector, Instant start) {
      String what = fatal.getClass().getSimpleName();
      String detail = fatal.getMessage();
      return new RunResult(
          runId,
          RunResult.Outcome.INFRASTRUCTURE_FAILURE,
          "The run was stopped: zerocred failed while reading Claude Code's output ("
              + what
              + (detail == null ? "" : ": " + firstLine(detail))
              + ") after "
              + collector.turns()
              + " turn(s); the container was killed",
          "",
          true,
          collector.turns(),
          0,
          collector.tokensSoFar(),
          Duration.between(start, Instant.now()).toMillis(),
          collector.sessionId(),
          Optional.empty(),
          collector.partialOutput(),
          collector.stderrTail(),
          Optional.empty(),
          Duration.ZERO);
    }

    static RunResult from(
        String runId,
        RunConfig config,
        StreamJsonCollector collector,
        InspectContainerResponse.ContainerState state,
        boolean timedOut,
        Instant start) {
      Optional<Integer> exit =
          timedOut || state == null ? Optional.empty() : Optional.ofNullable(state.getExitCode());
      boolean oom = state != null && Boolean.TRUE.equals(state.getOOMKilled());
      Optional<JsonNode> result = collector.result();
      String stderr = collector.stderrTail();
      String other = collector.otherStdoutTail();
      long wall = Duration.between(start, Instant.now()).toMillis();
      if (timedOut) {
        return new RunResult(
            runId,
            RunResult.Outcome.TIMED_OUT,
            "Claude Code did not finish within the timeout of "
                + human(config.timeout())
                + " and was stopped after "
                + collector.turns()
                + " turn(s); raise timeout or lower maxTurns",
            "",
            true,
            collector.turns(),
            0,
            collector.tokensSoFar(),
            wall,
            collector.sessionId(),
            Optional.empty(),
            collector.partialOutput(),
            stderr,
            Optional.empty(),
            Duration.ZERO);
      }
      if (result.isEmpty()) {
        String why =
            oom
                ? "was killed for running out of memory (limit "
                    + config.memoryBytes() / (1024 * 1024)
                    + " MiB); raise memory"
                : "exited with code "
                    + exit.map(String::valueOf).orElse("?")
                    + " without a result"
                    + lastLine(stderr.isBlank() ? other : stderr);
        return new RunResult(
            runId,
            oom ? RunResult.Outcome.INFRASTRUCTURE_FAILURE : RunResult.Outcome.CLAUDE_ERROR,
            "Claude Code " + why,
            "",
            true,
            collector.turns(),
            0,
            collector.tokensSoFar(),
            wall,
            collector.sessionId(),
            Optional.empty(),
            collector.partialOutput(),
            stderr.isBlank() ? other : stderr,
            exit,
            Duration.ZERO);
      }
      JsonNode r = result.get();
      boolean isError = r.path("is_error").asBoolean(false);
      String subtype = r.path("subtype").asText("");
      String text = r.path("result").asText("");
      boolean success = !isError && "success".equals(subtype) && exit.orElse(0) == 0;
      TokenUsage usage =
          r.has("usage") ? StreamJsonCollector.usage(r.path("usage")) : collector.tokensSoFar();
      String message;
      if (success) {
        message =
            "Claude Code finished in "
                + r.path("num_turns").asInt(collector.turns())
                + " turn(s), cost $"
                + String.format(java.util.Locale.ROOT, "%.4f", r.path("total_cost_usd").asDouble())
                + ", "
                + usage.total()
                + " tokens";
      } else {
        String detail = text.isBlank() ? subtype : text.strip();
        message = "Claude Code reported an error: " + firstLine(detail);
      }
      return new RunResult(
          runId,
          success ? RunResult.Outcome.SUCCESS : RunResult.Outcome.CLAUDE_ERROR,
          message,
          text,
          isError || !success,
          r.path("num_turns").asInt(collector.turns()),
          r.path("total_cost_usd").asDouble(0),
          usage,
          r.path("duration_ms").asLong(wall),
          collector.sessionId(),
          collector.rawResult(),
          collector.partialOutput(),
          stderr,
          exit,
          Duration.ZERO);
    }

    private static String lastLine(String text) {
      if (text == null || text.isBlank()) {
        return "";
      }
      String[] lines = text.strip().split("\n");
      return ": " + firstLine(lines[lines.length - 1].strip());
    }

    /** The first line, cut to a length a CI log line can show: the text is Claude's. */
    private static String firstLine(String text) {
      int nl = text.indexOf('\n');
      String line = nl < 0 ? text : text.substring(0, nl) + " …";
      return line.length() <= MAX_MESSAGE_CHARS
          ? line
          : line.substring(0, MAX_MESSAGE_CHARS) + " …";
    }

    private static String human(Duration d) {
      long s = d.toSeconds();
      return s >= 60 && s % 60 == 0 ? (s / 60) + " min" : s + " s";
    }
  }
}
