package io.github.zerocred.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.proxy.tls.Pem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The run's proxy in a container of its own on the engine, for an engine whose networks cannot
 * reach this JVM (another machine): {@code zerocred proxy} from the action image, on the engine's
 * default bridge (its only route out) and on the run's internal network (where Claude Code's
 * container reaches it, and nothing else).
 *
 * <p>How the pieces reach it, and why:
 *
 * <ul>
 *   <li>The real credentials go in as a file copied through the engine's archive API into the
 *       created, not yet started container (uid 65534, mode 0400), which {@code zerocred proxy}
 *       reads and deletes before it listens. Not an environment variable: those show in {@code
 *       docker inspect} to everyone with access to the engine for the container's whole life, in
 *       {@code /proc/PID/environ}, and in every child process. Never on the command line, in a
 *       label or in a log. The tar is built in memory: the credential is written to no file on this
 *       host.
 *   <li>The run's CA is made inside the proxy container; only its certificate comes out (through
 *       the ready file), so the CA's key never leaves the proxy's memory, as with the proxy in this
 *       JVM.
 *   <li>Readiness: the proxy writes its ready file (proxy URL with the per-run password,
 *       placeholders, CA path) once it listens; this class polls for it with the archive API,
 *       failing with the container's last log lines if it exits first.
 *   <li>Audit log and usage: on {@link #close()} the container gets SIGTERM, {@code zerocred proxy}
 *       flushes the audit log and writes the usage it measured, and both are copied out before the
 *       container is removed. Removal happens whatever went wrong before; the container carries the
 *       run's labels, so the sweep removes it too after a killed JVM.
 * </ul>
 *
 * <p>Hostile input: nothing of Claude Code's container reaches this class directly; the proxy
 * container's files and output come from the action image on the engine's host, which the user
 * trusts with the credential anyway (see the README). Still, every file read back is size-bounded
 * and the ready file's address is checked to lie on the run network.
 */
final class ProxyContainer implements RunProxy {
  static final String DIR = "/run/zerocred";
  static final String CREDENTIALS = DIR + "/credentials.env";
  static final String UPSTREAM_CA = DIR + "/upstream-ca.pem";
  static final String READY = DIR + "/ready.json";
  static final String AUDIT = DIR + "/audit.jsonl";
  static final String USAGE = DIR + "/usage.json";

  /** {@code nobody}: the proxy needs no privileges at all. */
  static final int UID = 65534;

  /** The label the action image carries; checked so a wrong image fails with words, not a trace. */
  static final String IMAGE_LABEL = "zerocred.image";

  static final String IMAGE_KIND = "action";
  static final String ROLE_LABEL = "zerocred.role";

  /** How the action image starts zerocred (see the repository's Dockerfile), with {@code proxy}. */
  static final List<String> ENTRYPOINT =
      List.of(
          "java",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xshare:auto",
          "-jar",
          "/opt/zerocred/zerocred.jar",
          "proxy");

  private static final long MEMORY_BYTES = 512L * 1024 * 1024;
  private static final long PIDS_LIMIT = 256;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final int STOP_SECONDS = 5;
  private static final int MAX_SMALL_FILE = 256 * 1024;
  private static final int LOG_TAIL_LINES = 20;
  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final DockerClient docker;
  private final String id;
  private final Path auditLog;
  private final Consumer<String> warnings;
  private final AtomicBoolean closed = new AtomicBoolean();
  private InetSocketAddress address;
  private String proxyUrl;
  private String caPem;
  private Map<String, String> placeholders = Map.of();
  private volatile ProxyUsage usage = new ProxyUsage(BigDecimal.ZERO, 0, 0, 0, 0, 0, 0, 0);

  private ProxyContainer(DockerClient docker, String id, Path auditLog, Consumer<String> warnings) {
    this.docker = docker;
    this.id = id;
    this.auditLog = auditLog;
    this.warnings = warnings;
  }

  /**
   * Checks that the proxy image is on the engine and is zerocred's action image.
   *
   * @throws ZerocredException saying how to get it there
   */
  static void checkImage(DockerClient docker, String image, String engineHost) {
    InspectImageResponse found;
    try {
      found = docker.inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      throw new ZerocredException(
          "The proxy image "
              + image
              + " is not on the Docker engine at "
              + engineHost
              + ", where the proxy runs in a container of its own because the engine is remote:"
              + " build zerocred's action image there (`docker build -t "
              + image
              + " .` in the zerocred repository, with DOCKER_HOST pointing at that engine), or"
              + " `docker pull` it where its registry is reachable, or set proxyImage to the"
              + " image you have",
          e);
    }
    Map<String, String> labels =
        found.getConfig() == null || found.getConfig().getLabels() == null
            ? Map.of()
            : found.getConfig().getLabels();
    if (!IMAGE_KIND.equals(labels.get(IMAGE_LABEL))) {
      throw new ZerocredException(
          "The proxy image "
              + image
              + " is not zerocred's action image (it lacks the label "
              + IMAGE_LABEL
              + "="
              + IMAGE_KIND
              + "): set proxyImage to an image built from the zerocred repository's Dockerfile");
    }
  }

  /**
   * Creates the proxy container on {@code networkId}, copies the credentials in, starts it and
   * waits until it listens. Whatever was created is removed again before this throws.
   *
   * @param labels the run's labels, for the sweep; nothing secret
   * @param cancelled true once the run is cancelled: the wait for readiness stops then
   */
  static ProxyContainer start(
      DockerClient docker,
      RunConfig config,
      String runId,
      Map<String, String> labels,
      String networkId,
      BooleanSupplier cancelled,
      Consumer<String> warnings) {
    ProxyConfig proxy = config.proxy();
    String subnet = subnet(docker, networkId);
    Map<String, String> own = new LinkedHashMap<>(labels);
    own.put(ROLE_LABEL, "proxy");
    HostConfig host =
        HostConfig.newHostConfig()
            // The engine's default bridge: a route out, and nothing of the run's on it.
            .withNetworkMode("bridge")
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMemory(MEMORY_BYTES)
            .withMemorySwap(MEMORY_BYTES)
            .withPidsLimit(PIDS_LIMIT);
    String id =
        docker
            .createContainerCmd(config.proxyImage())
            .withName("zerocred-proxy-" + runId)
            .withHostName("zerocred-proxy")
            .withUser(UID + ":" + UID)
            .withLabels(own)
            .withEntrypoint(ENTRYPOINT)
            .withCmd(arguments(proxy, runId, subnet))
            .withHostConfig(host)
            .exec()
            .getId();
    ProxyContainer container =
        new ProxyContainer(docker, id, proxy.auditLog().orElse(null), warnings);
    try {
      docker.connectToNetworkCmd().withNetworkId(networkId).withContainerId(id).exec();
      container.copyFilesIn(proxy);
      docker.startContainerCmd(id).exec();
      container.awaitReady(networkId, cancelled);
      return container;
    } catch (RuntimeException e) {
      container.close();
      throw e;
    }
  }

  /**
   * {@code zerocred proxy}'s arguments for this run: settings only, never a credential (those go in
   * as a file). Options the command has no flag for (limits, CA validity) keep its defaults.
   */
  static List<String> arguments(ProxyConfig proxy, String runId, String subnet) {
    List<String> args = new ArrayList<>();
    args.add("--listen-in");
    args.add(subnet);
    args.add("--run-id");
    args.add(runId);
    args.add("--credentials-file");
    args.add(CREDENTIALS);
    args.add("--ready-file");
    args.add(READY);
    args.add("--usage-file");
    args.add(USAGE);
    if (proxy.auditLog().isPresent()) {
      args.add("--audit-log");
      args.add(AUDIT);
    }
    for (String h : proxy.allowHosts()) {
      args.add("--allow-host");
      args.add(h);
    }
    proxy
        .routes()
        .forEach(
            (h, to) -> {
              String ip = to.getAddress().getHostAddress();
              args.add("--route");
              args.add(
                  h
                      + "="
                      + (to.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip)
                      + ":"
                      + to.getPort());
            });
    if (!proxy.upstreamTrust().isEmpty()) {
      args.add("--upstream-ca");
      args.add(UPSTREAM_CA);
    }
    ApiPolicy api = proxy.apiPolicy();
    for (ApiPolicy.Endpoint e : api.extraEndpoints()) {
      args.add("--allow-endpoint");
      args.add(e.toString());
    }
    if (api.allowWebSearch()) {
      args.add("--allow-web-search");
    }
    api.maxBudgetUsd()
        .ifPresent(
            b -> {
              args.add("--max-budget-usd");
              args.add(b.toPlainString());
            });
    api.maxRequests()
        .ifPresent(
            n -> {
              args.add("--max-requests");
              args.add(Integer.toString(n));
            });
    api.modelFamily()
        .ifPresent(
            f -> {
              args.add("--model-family");
              args.add(f);
            });
    api.maxTokens()
        .ifPresent(
            n -> {
              args.add("--max-output-tokens");
              args.add(Integer.toString(n));
            });
    return args;
  }

  /**
   * The credentials as {@code zerocred proxy --credentials-file} reads them: the variables it reads
   * from the environment otherwise. A GitHub token for other hosts than github.com cannot be said
   * that way, so it is refused rather than silently injected elsewhere.
   */
  static byte[] credentialsFile(List<Credential> credentials) {
    StringBuilder out = new StringBuilder();
    for (Credential c : credentials) {
      if (c.kind() == Credential.Kind.GITHUB_TOKEN
          && !c.injections().stream()
              .allMatch(
                  i ->
                      i.host().equals(Credential.GITHUB_API_HOST)
                          || i.host().equals(Credential.GITHUB_GIT_HOST))) {
        throw new ZerocredException(
            "A GitHub token for a GitHub Enterprise host cannot be handed to the proxy container"
                + " yet: run with the proxy on this host (proxyPlacement host) and a local engine");
      }
      String name =
          switch (c.kind()) {
            case ANTHROPIC_OAUTH_TOKEN -> Credentials.OAUTH_VARIABLE;
            case ANTHROPIC_API_KEY -> Credentials.API_KEY_VARIABLE;
            case GITHUB_TOKEN -> Credentials.GITHUB_VARIABLE;
          };
      out.append(name).append('=').append(c.secret().reveal()).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String subnet(DockerClient docker, String networkId) {
    Network network = docker.inspectNetworkCmd().withNetworkId(networkId).exec();
    if (network.getIpam() != null && network.getIpam().getConfig() != null) {
      for (Network.Ipam.Config c : network.getIpam().getConfig()) {
        if (c.getSubnet() != null && c.getSubnet().contains(".") && c.getSubnet().contains("/")) {
          return c.getSubnet();
        }
      }
    }
    throw new ZerocredException(
        "The Docker engine gave the run network " + networkId + " no IPv4 subnet");
  }

  private void copyFilesIn(ProxyConfig proxy) {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    byte[] credentials = credentialsFile(proxy.credentials());
    byte[] bytes = null;
    try {
      try (ContainerFiles files = new ContainerFiles(tar)) {
        files.directory(DIR.substring(1), UID, 0700);
        files.file(CREDENTIALS.substring(1), credentials, UID, 0400);
        if (!proxy.upstreamTrust().isEmpty()) {
          StringBuilder pem = new StringBuilder();
          for (X509Certificate c : proxy.upstreamTrust()) {
            pem.append(Pem.encode(c));
          }
          files.file(UPSTREAM_CA.substring(1), pem.toString(), UID, 0444);
        }
      }
      bytes = tar.toByteArray();
      docker
          .copyArchiveToContainerCmd(id)
          .withRemotePath("/")
          .withTarInputStream(new ByteArrayInputStream(bytes))
          .exec();
    } catch (IOException e) {
      throw new ZerocredException("Cannot write the proxy container's files: " + e.getMessage(), e);
    } finally {
      // Best effort (the run holds the credential in memory anyway): the point is that it is
      // written to no file on this host, and these copies do not outlive the call.
      Arrays.fill(credentials, (byte) 0);
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
      tar.reset();
    }
  }

  private void awaitReady(String networkId, BooleanSupplier cancelled) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      if (cancelled.getAsBoolean()) {
        throw new ZerocredException("The run was cancelled while its proxy container started");
      }
      byte[] ready = readFile(READY, MAX_SMALL_FILE);
      if (ready != null) {
        readReadyFile(ready, networkId);
        return;
      }
      InspectContainerResponse.ContainerState state =
          docker.inspectContainerCmd(id).exec().getState();
      if (state == null || !Boolean.TRUE.equals(state.getRunning())) {
        throw new ZerocredException(
            "The proxy container exited"
                + (state == null || state.getExitCodeLong() == null
                    ? ""
                    : " with code " + state.getExitCodeLong())
                + " before it was ready; its last output:\n"
                + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new ZerocredException(
            "The proxy container was not ready within "
                + READY_TIMEOUT.toSeconds()
                + " s; its last output:\n"
                + logTail());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ZerocredException("Interrupted while the proxy container started", e);
      }
    }
  }

  private void readReadyFile(byte[] ready, String networkId) {
    JsonNode json;
    try {
      json = JSON.readTree(ready);
    } catch (IOException e) {
      throw new ZerocredException("The proxy container wrote an unreadable ready file", e);
    }
    URI url = URI.create(json.path("proxyUrl").asText(""));
    InetAddress ip;
    try {
      ip = InetAddress.getByName(url.getHost()); // an IP literal, never a name: no lookup
    } catch (UnknownHostException | RuntimeException e) {
      throw new ZerocredException("The proxy container reported a bad address", e);
    }
    InspectContainerResponse me = docker.inspectContainerCmd(id).exec();
    boolean onRunNetwork =
        me.getNetworkSettings().getNetworks().values().stream()
            .filter(n -> networkId.equals(n.getNetworkID()))
            .map(ContainerNetwork::getIpAddress)
            .anyMatch(a -> ip.getHostAddress().equals(a));
    if (!onRunNetwork || url.getPort() <= 0) {
      throw new ZerocredException(
          "The proxy container listens on " + ip.getHostAddress() + ", not on the run network");
    }
    String caFile = json.path("caCertFile").asText("");
    byte[] ca = caFile.startsWith("/") ? readFile(caFile, MAX_SMALL_FILE) : null;
    if (ca == null) {
      throw new ZerocredException("The proxy container's CA certificate could not be read");
    }
    Map<String, String> names = new LinkedHashMap<>();
    json.path("placeholders")
        .fields()
        .forEachRemaining(e -> names.put(e.getKey(), e.getValue().asText()));
    address = new InetSocketAddress(ip, url.getPort());
    proxyUrl = url.toString();
    caPem = new String(ca, StandardCharsets.UTF_8);
    placeholders = Map.copyOf(names);
  }

  /** One file of the container, or null when it is not there (yet); larger than max is refused. */
  private byte[] readFile(String path, int max) {
    try (InputStream in = docker.copyArchiveFromContainerCmd(id, path).exec();
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry = tar.getNextEntry();
      if (entry == null || !entry.isFile()) {
        return null;
      }
      if (entry.getSize() > max) {
        throw new ZerocredException(
            "The proxy container's " + path + " is larger than " + max + " bytes");
      }
      return tar.readNBytes((int) entry.getSize());
    } catch (NotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new ZerocredException("Cannot read " + path + " from the proxy container", e);
    }
  }

  /** Streams one file of the container to {@code target}, appending; false when it is not there. */
  private boolean appendFile(String path, Path target) throws IOException {
    try (InputStream in = docker.copyArchiveFromContainerCmd(id, path).exec();
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry = tar.getNextEntry();
      if (entry == null || !entry.isFile()) {
        return false;
      }
      try (OutputStream out =
          Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        tar.transferTo(out);
      }
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private String logTail() {
    StringBuilder out = new StringBuilder();
    try {
      docker
          .logContainerCmd(id)
          .withStdOut(true)
          .withStdErr(true)
          .withTail(LOG_TAIL_LINES)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  if (out.length() < 8192) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                  }
                }
              })
          .awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      out.append("(its output could not be read: ").append(DockerEngine.rootMessage(e)).append(')');
    }
    return out.toString().strip();
  }

  String id() {
    return id;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public String proxyUrl() {
    return proxyUrl;
  }

  @Override
  public String caCertificatePem() {
    return caPem;
  }

  @Override
  public Map<String, String> placeholders() {
    return placeholders;
  }

  @Override
  public ProxyUsage usage() {
    return usage;
  }

  /**
   * Stops the proxy (SIGTERM: it flushes the audit log and writes its usage), copies the audit log
   * and the usage out, and removes the container; once, never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      docker.stopContainerCmd(id).withTimeout(STOP_SECONDS).exec();
    } catch (RuntimeException e) {
      // Never started, or stopped already: what it wrote is still there to copy.
    }
    collect();
    new Sweeper(docker, warnings).removeContainer(id);
  }

  private void collect() {
    try {
      byte[] measured = readFile(USAGE, MAX_SMALL_FILE);
      if (measured != null) {
        usage = Objects.requireNonNull(JSON.readValue(measured, ProxyUsage.class));
      }
    } catch (IOException | RuntimeException e) {
      warnings.accept("Could not read the proxy container's usage: " + DockerEngine.rootMessage(e));
    }
    if (auditLog != null) {
      try {
        appendFile(AUDIT, auditLog);
      } catch (IOException | RuntimeException e) {
        warnings.accept(
            "Could not copy the proxy container's audit log to "
                + auditLog
                + ": "
                + DockerEngine.rootMessage(e));
      }
    }
  }
}
