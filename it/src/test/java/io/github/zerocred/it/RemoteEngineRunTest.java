package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.ProxyPlacement;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import io.github.zerocred.testkit.TlsEngineForwarder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run against an engine reached over TLS on a TCP socket, treated as remote: a child JVM with
 * only {@code DOCKER_HOST}/{@code DOCKER_TLS_VERIFY}/{@code DOCKER_CERT_PATH} pointing at a
 * forwarder on 127.0.0.1 that verifies client certificates ({@link TlsEngineForwarder}), in front
 * of this machine's engine (which keeps running untouched). The proxy then runs in its own
 * container from the action image; the stand-in API listens on the engine's default bridge, the
 * "internet" only the proxy container is on.
 *
 * <p>Hostile input: Claude Code's container, driven by the scripted conversation, looks for the
 * credential in its environment, its processes and its whole file system, and tries the stand-in
 * directly; the test inspects both containers while the run is live.
 */
class RemoteEngineRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workspace;
  @TempDir Path work;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final String realToken = RunFixture.newOauthToken();
  private TlsEngineForwarder forwarder;
  private Process child;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    forwarder = TlsEngineForwarder.start(engineSocket(), work.resolve("certs"));
  }

  @AfterEach
  void tearDown() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (forwarder != null) {
      forwarder.close();
    }
  }

  @Test
  void remoteEngine_runsTheProxyInItsOwnContainer_andTheAgentHoldsOnlyAPlaceholder()
      throws Exception {
    String gateway = engine.docker().gatewayOf("bridge");
    List<Map<String, Object>> live = new CopyOnWriteArrayList<>();
    AtomicReference<String> direct = new AtomicReference<>();
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(realToken)
            .bind(new InetSocketAddress(gateway, 0))
            .script(
                Reply.dynamic(request -> Reply.toolUse("Bash", bash(probe(direct.get())))),
                Reply.dynamic(
                    request -> {
                      live.add(inspectLive());
                      return Reply.text(
                          "Probed: " + request.lastToolResultContent().orElse("(none)"));
                    }))
            .start()) {
      direct.set(gateway + "/" + standIn.port());
      Path audit = work.resolve("audit.jsonl");
      List<String> out = runChild(standIn, ActionJob.image(), audit, line -> false); // to the end

      String all = String.join("\n", out);
      assertThat(all).as(all).contains("OUTCOME SUCCESS");
      String runId = group(all, "RUN (\\S+) PROXY");
      String proxy = group(all, "RUN \\S+ PROXY /(\\S+):\\d+");

      // What Claude Code's container found, reported back in its tool result.
      String probe = standIn.mainConversationRequests().get(1).lastToolResultContent().orElse("");
      assertThat(probe)
          .as("the probe ran")
          .contains("PLACEHOLDER:CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-zerocred_placeholder_");
      assertThat(probe)
          .as("no real token in env or processes")
          .contains("ENV:0")
          .contains("PROC:0");
      assertThat(probe).as("no real token in any file").contains("FILES:[]");
      assertThat(probe).as("the stand-in is not reachable directly").contains("DIRECT:CLOSED");
      assertThat(probe).as("the proxy is").contains("PROXY:OPEN");

      // While the run was live: each container seen from the engine.
      assertThat(live).hasSize(1);
      Map<String, Object> seen = live.get(0);
      @SuppressWarnings("unchecked")
      Map<String, String> inspected = (Map<String, String>) seen.get("inspect");
      assertThat(inspected).containsKeys("claude", "proxy");
      for (Map.Entry<String, String> e : inspected.entrySet()) {
        assertThat(e.getValue()).as("inspect of the " + e.getKey()).doesNotContain(realToken);
      }
      assertThat((String) seen.get("proxyLogs")).doesNotContain(realToken);
      assertThat(seen.get("credentialsFileLeft"))
          .as("the proxy deleted its credentials file once read")
          .isEqualTo(false);
      assertThat(inspected.get("claude")).contains("zerocred_placeholder_");
      assertThat(seen.get("claudeNetworks"))
          .as("Claude's container")
          .isEqualTo(List.of(runNetwork(runId)));
      @SuppressWarnings("unchecked")
      List<String> proxyNetworks = (List<String>) seen.get("proxyNetworks");
      assertThat(proxyNetworks)
          .as("the proxy container: the run network and the way out")
          .containsExactlyInAnyOrder(runNetwork(runId), "bridge");
      assertThat(seen.get("runNetworkInternal")).isEqualTo(true);
      assertThat(seen.get("hostAddressOnRunNetwork"))
          .as("nothing of this host on the run network's bridge")
          .isEqualTo(List.of());
      assertThat(seen.get("proxyAddresses")).asString().contains(proxy);

      // The engine was reached through the TLS socket; every API request carried the real token.
      assertThat(forwarder.served()).isPositive();
      assertThat(standIn.requests()).isNotEmpty();
      for (RecordedRequest r : standIn.requests()) {
        assertThat(r.header("authorization")).isEqualTo("Bearer " + realToken);
      }
      // The audit log came back from the proxy container, the usage too.
      String auditLog = Files.readString(audit);
      assertThat(auditLog).contains("\"/v1/messages\"").contains(runId);
      assertThat(auditLog).doesNotContain(realToken).doesNotContain("zerocred_placeholder_");
      assertThat(Integer.parseInt(group(all, "USAGE (\\d+)"))).isGreaterThanOrEqualTo(2);
      assertThat(all).doesNotContain(realToken);
      assertThat(engine.docker().labelledWithRun(runId)).as("left on the engine").isEmpty();
    }
  }

  @Test
  void cancelledRemoteRun_leavesNothingOnTheEngine() throws Exception {
    String gateway = engine.docker().gatewayOf("bridge");
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(realToken)
            .bind(new InetSocketAddress(gateway, 0))
            .script(Reply.toolUse("Bash", bash("timeout 600 tail -f /dev/null; echo never")))
            .start()) {
      List<String> out =
          runChild(
              standIn,
              ActionJob.image(),
              work.resolve("audit.jsonl"),
              l -> l.startsWith("RUNNING "));
      String runId = group(String.join("\n", out), "RUNNING (\\S+)");
      assertThat(engine.docker().labelledWithRun(runId))
          .as("Claude's container, the proxy container, the network")
          .hasSize(3);

      child.destroy(); // SIGTERM, as a cancelled CI job
      assertThat(child.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(engine.docker().labelledWithRun(runId)).as("left after SIGTERM").isEmpty();
    }
  }

  @Test
  void proxyImageMissingOnTheEngine_failsNamingTheSetting_andCreatesNothing() throws Exception {
    RunFixture fixture = new RunFixture();
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder().expectToken(fixture.realToken).start()) {
      RunResult result =
          ClaudeRun.execute(
              fixture
                  .config(standIn, workspace)
                  .proxyPlacement(ProxyPlacement.CONTAINER)
                  .proxyImage("zerocred-action:not-on-this-engine")
                  .build());
      assertThat(result.outcome()).isEqualTo(RunResult.Outcome.INFRASTRUCTURE_FAILURE);
      assertThat(result.message())
          .contains(
              "The proxy image zerocred-action:not-on-this-engine is not on the Docker engine")
          .contains("set proxyImage");
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void bindMountOnARemoteEngine_isRefused_beforeAnythingIsCreated() throws Exception {
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder().expectToken(realToken).start()) {
      List<String> out =
          runChild(standIn, ActionJob.image(), work.resolve("audit.jsonl"), l -> false, "bind");

      assertThat(String.join("\n", out))
          .contains("bindMountWorkspace needs a Docker engine on this machine")
          .contains(forwarder.dockerHost());
      assertThat(engine.docker().labelled(Map.of("zerocred.owner.pid", Long.toString(child.pid()))))
          .isEmpty();
    }
  }

  @Test
  void forwarder_refusesAClientWithoutTheCertificate() throws Exception {
    SSLSocket socket =
        (SSLSocket)
            io.github.zerocred.testkit.TestPki.trustingSslContext(work.resolve("certs/ca.pem"))
                .getSocketFactory()
                .createSocket("127.0.0.1", forwarder.port());
    try (socket) {
      socket.setSoTimeout(5000);
      try {
        socket.startHandshake();
        socket
            .getOutputStream()
            .write("GET /_ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        assertThat(socket.getInputStream().read())
            .as("no answer without a certificate")
            .isEqualTo(-1);
      } catch (IOException expected) {
        // Refused in the handshake: what a client without the certificate sees.
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (forwarder.refused() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(forwarder.refused()).isEqualTo(1);
    assertThat(forwarder.served()).isZero();
  }

  /**
   * The Bash command Claude Code's container runs: each line one verdict. The token's marker is
   * split in the command ({@code 'real''AA'}) so that the command, which the CLI records in its own
   * session files, never matches itself.
   */
  private static String probe(String standInHostSlashPort) {
    return String.join(
        "\n",
        // Claude Code keeps its credential variable from its tools: read it where it started.
        "echo \"PLACEHOLDER:$(tr '\\0' '\\n' < /proc/1/environ | grep ^CLAUDE_CODE_OAUTH_TOKEN=)\""
            + " | cut -c1-80",
        "echo \"ENV:$(env | grep -c 'real''AA')\"",
        "echo \"PROC:$(cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c 'real''AA')\"",
        "echo \"FILES:[$(grep -rIl 'real''AA' / --exclude-dir=proc --exclude-dir=sys"
            + " --exclude-dir=dev 2>/dev/null | head -5 | tr '\\n' ' ')]\"",
        "timeout 3 bash -c 'echo > /dev/tcp/"
            + standInHostSlashPort
            + "' 2>/dev/null"
            + " && echo DIRECT:OPEN || echo DIRECT:CLOSED",
        "H=${HTTPS_PROXY##*@}; timeout 3 bash -c \"echo > /dev/tcp/${H%:*}/${H##*:}\""
            + " 2>/dev/null && echo PROXY:OPEN || echo PROXY:CLOSED");
  }

  private String bash(String command) {
    try {
      return JSON.writeValueAsString(Map.of("command", command, "description", "Probe"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the child JVM and reads its output until {@code stopAt} matches or it exits. */
  private List<String> runChild(
      StandInAnthropicApi standIn,
      String proxyImage,
      Path audit,
      Predicate<String> stopAt,
      String... extra)
      throws Exception {
    Path ca = standIn.writeCaPem(work.resolve("stand-in-ca.pem"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                RemoteRun.class.getName(),
                TestDocker.image(),
                proxyImage,
                workspace.toString(),
                StandInAnthropicApi.API_HOST
                    + "="
                    + standIn.address().getAddress().getHostAddress()
                    + ":"
                    + standIn.port(),
                ca.toString(),
                audit.toString())
            .redirectErrorStream(true);
    pb.command().addAll(List.of(extra));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("DOCKER_"));
    env.putAll(forwarder.environment());
    env.put("CHILD_RUN_TOKEN", realToken);
    child = pb.start();
    Process started = child;
    // A hung child must fail the test, not hang it: reading its output ends when it is killed.
    CompletableFuture.delayedExecutor(5, TimeUnit.MINUTES).execute(started::destroyForcibly);
    List<String> lines = new ArrayList<>();
    try (InputStream in = child.getInputStream()) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String l = reader.readLine(); l != null; l = reader.readLine()) {
        lines.add(l);
        if (stopAt.test(l)) {
          return lines;
        }
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return lines;
  }

  /**
   * Inspects this run's containers from the engine while the run is live: the child's run is the
   * only one labelled with its pid.
   */
  private Map<String, Object> inspectLive() {
    var client = engine.docker().client();
    Map<String, String> labels =
        Map.of("zerocred.managed", "true", "zerocred.owner.pid", Long.toString(child.pid()));
    Map<String, Object> seen = new HashMap<>();
    Map<String, String> inspected = new HashMap<>();
    for (Container c : client.listContainersCmd().withLabelFilter(labels).exec()) {
      InspectContainerResponse i = client.inspectContainerCmd(c.getId()).exec();
      boolean proxy = "proxy".equals(i.getConfig().getLabels().get("zerocred.role"));
      String role = proxy ? "proxy" : "claude";
      inspected.put(role, inspectJson(i));
      List<String> networks = new ArrayList<>(i.getNetworkSettings().getNetworks().keySet());
      Collections.sort(networks);
      seen.put(role + "Networks", networks);
      if (proxy) {
        seen.put("proxyLogs", logs(c.getId()));
        seen.put("credentialsFileLeft", fileExists(c.getId(), "/run/zerocred/credentials.env"));
        seen.put(
            "proxyAddresses",
            i.getNetworkSettings().getNetworks().values().stream()
                .map(n -> n.getIpAddress())
                .toList()
                .toString());
      }
    }
    seen.put("inspect", inspected);
    for (Network n :
        client
            .listNetworksCmd()
            .withFilter("label", List.of("zerocred.owner.pid=" + child.pid()))
            .exec()) {
      seen.put("runNetworkInternal", n.getInternal());
      seen.put(
          "hostAddressOnRunNetwork",
          hostAddresses(n.getOptions().get("com.docker.network.bridge.name")));
    }
    return seen;
  }

  private boolean fileExists(String container, String path) {
    try (InputStream in =
        engine.docker().client().copyArchiveFromContainerCmd(container, path).exec()) {
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> hostAddresses(String bridge) {
    try {
      NetworkInterface nic = NetworkInterface.getByName(bridge);
      if (nic == null) {
        return List.of("(no interface " + bridge + ")");
      }
      return Collections.list(nic.getInetAddresses()).stream()
          .filter(a -> a instanceof Inet4Address)
          .map(a -> a.getHostAddress())
          .toList();
    } catch (IOException e) {
      return List.of("(" + e + ")");
    }
  }

  private static String inspectJson(InspectContainerResponse i) {
    try {
      return JSON.writeValueAsString(i);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private String logs(String id) {
    try {
      return engine.docker().logs(id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  private static String runNetwork(String runId) {
    return "zerocred-" + runId;
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex + " in:\n" + text).isTrue();
    return m.group(1);
  }

  private static Path engineSocket() {
    String host = System.getenv("DOCKER_HOST");
    if (host != null && host.startsWith("unix://")) {
      return Path.of(URI.create(host).getPath());
    }
    return Path.of("/var/run/docker.sock");
  }
}
