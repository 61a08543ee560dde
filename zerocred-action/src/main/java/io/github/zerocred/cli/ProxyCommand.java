package io.github.zerocred.cli;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.proxy.tls.TlsImplementation;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zerocred proxy}: the credential-injecting proxy on its own, until SIGTERM or SIGINT. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs the credential-injecting HTTPS proxy on its own, for devcontainers and CI systems"
          + " that start Claude Code themselves.",
      "",
      "The proxy holds the real credential; the client gets a placeholder. For the credential's"
          + " hosts it terminates TLS with a certificate from a fresh per-run CA, removes whatever"
          + " credential the client sent and injects the real one, only for the endpoints and"
          + " request bodies Claude Code needs and within the budget. Other --allow-host hosts are"
          + " tunnelled untouched; everything else is refused. Clients authenticate with the"
          + " per-run password in the proxy URL.",
      "",
      "Once listening it writes the ready file and prints one line on stderr; it runs until"
          + " SIGTERM or SIGINT, then stops, removes the files it made and exits 0.",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Environment (credentials come only from here: options show up in `ps`):",
      "  CLAUDE_CODE_OAUTH_TOKEN  OAuth token (sk-ant-oat01-..., `claude setup-token`),",
      "                           sent as Authorization: Bearer to api.anthropic.com",
      "  ANTHROPIC_API_KEY        API key (sk-ant-api03-...), sent as x-api-key;",
      "                           set exactly one of these two",
      "  GITHUB_TOKEN             optional: Bearer for api.github.com, Basic",
      "                           x-access-token for git over HTTPS to github.com",
      "",
      "Ready file (JSON, mode 0600, written atomically):",
      "  proxyUrl      http://zerocred:PASSWORD@HOST:PORT -> client's HTTPS_PROXY",
      "  caCertFile    the run's CA certificate (PEM) -> client's NODE_EXTRA_CA_CERTS",
      "  placeholders  variable name -> placeholder, for the client's environment",
      "  auditLog      the audit log's path, or null",
      "",
      "Example:",
      "  zerocred proxy --listen 127.0.0.1:0 --ready-file ready.json &",
      "  until [ -e ready.json ]; do sleep 0.1; done",
      "  export HTTPS_PROXY=\"$(jq -r .proxyUrl ready.json)\"",
      "  export NODE_EXTRA_CA_CERTS=\"$(jq -r .caCertFile ready.json)\"",
      "  export CLAUDE_CODE_OAUTH_TOKEN=\\",
      "    \"$(jq -r .placeholders.CLAUDE_CODE_OAUTH_TOKEN ready.json)\"",
      "  claude --print \"...\"",
      "",
      "Exit codes:",
      "  0  stopped cleanly (also after SIGTERM or SIGINT)",
      "  1  runtime failure (cannot listen, cannot write a file)",
      "  2  usage error (unknown option, bad option value)",
      "  3  credential missing or malformed in the environment"
    })
final class ProxyCommand implements Callable<Integer> {

  @Option(
      names = "--listen",
      paramLabel = "IP:PORT",
      defaultValue = "127.0.0.1:0",
      description = {
        "Where to listen: an IP address (never a name; [v6]:PORT for IPv6) and a port, 0 for a"
            + " free one (the ready file has the real one). Use the address clients reach, such"
            + " as a Docker network's gateway; wildcard addresses are refused. Default:"
            + " ${DEFAULT-VALUE}."
      })
  String listen;

  @Option(
      names = "--allow-host",
      paramLabel = "HOST",
      description = {
        "Also let clients reach HOST on port 443, tunnelled without interception and without a"
            + " credential. Repeatable. The credential hosts are always allowed."
      })
  List<String> allowHosts = new ArrayList<>();

  @Option(
      names = "--route",
      paramLabel = "HOST=IP:PORT",
      description = {
        "Send traffic for HOST to IP:PORT instead of where DNS points, still verifying the"
            + " upstream certificate against HOST: for an internal gateway or a test server."
            + " Repeatable."
      })
  List<String> routes = new ArrayList<>();

  @Option(
      names = "--upstream-ca",
      paramLabel = "PEM",
      description = {
        "Also trust the CA certificates in this PEM file for upstream connections, besides the"
            + " system's. Repeatable."
      })
  List<Path> upstreamCas = new ArrayList<>();

  @Option(
      names = "--allow-endpoint",
      paramLabel = "'METHOD PATH'",
      description = {
        "Also let clients call METHOD PATH (exact path, no query) on the Anthropic API with the"
            + " credential. By default only what Claude Code needs is allowed: POST /v1/messages,"
            + " POST /v1/messages/count_tokens, GET /api/claude_code/settings and GET"
            + " /api/claude_code/policy_limits. Repeatable."
      })
  List<String> allowEndpoints = new ArrayList<>();

  @Option(
      names = "--allow-web-search",
      description = {
        "Let Messages requests use Anthropic's server-side web search tool. Off by default: the"
            + " search runs on Anthropic's servers with queries the agent chooses, a channel out"
            + " of the sandbox. Web fetch, code execution and MCP connectors stay refused."
      })
  boolean allowWebSearch;

  @Option(
      names = "--max-budget-usd",
      paramLabel = "USD",
      description = {
        "Refuse further Messages requests (403, never forwarded) once the spend measured at the"
            + " proxy from the responses' usage, at list prices, reaches USD."
      })
  BigDecimal maxBudgetUsd;

  @Option(
      names = "--max-requests",
      paramLabel = "N",
      description = "Refuse Messages requests after the first N (403, never forwarded).")
  Integer maxRequests;

  @Option(
      names = "--model-family",
      paramLabel = "FAMILY",
      description = "Refuse Messages requests for models outside FAMILY, e.g. claude-sonnet.")
  String modelFamily;

  @Option(
      names = "--max-output-tokens",
      paramLabel = "N",
      description = "Refuse Messages requests whose max_tokens is above N.")
  Integer maxOutputTokens;

  @Option(
      names = "--audit-log",
      paramLabel = "FILE",
      description = {
        "Append the audit log to FILE: JSON Lines, one record per request and per refusal, never"
            + " a credential, placeholder or body. It stays after the proxy stops."
      })
  Path auditLog;

  @Option(
      names = "--ready-file",
      paramLabel = "FILE",
      description = {
        "Write the ready file (see below) here once listening; removed on stop. Default:"
            + " ready.json in the run's private temporary folder, whose path is printed."
      })
  Path readyFile;

  @Option(
      names = "--listen-in",
      paramLabel = "SUBNET",
      description = {
        "Listen on this machine's own address inside SUBNET (IPv4 CIDR, e.g. 172.20.0.0/16), on a"
            + " free port, instead of --listen: for a proxy container joined to a run network,"
            + " whose address is known only once it runs."
      })
  String listenIn;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "The run id the audit log records carry (letters, digits, dashes). Default: new.")
  String runId;

  @Option(
      names = "--credentials-file",
      paramLabel = "FILE",
      description = {
        "Read the credentials from FILE (NAME=value lines with the variables below) instead of the"
            + " environment, then delete it: how a proxy container gets them without their"
            + " showing in `docker inspect` or /proc/PID/environ."
      })
  Path credentialsFile;

  @Option(
      names = "--usage-file",
      paramLabel = "FILE",
      description = {
        "On stop, write what the proxy measured of the Messages traffic (spend, calls, tokens,"
            + " refusals) to FILE as JSON."
      })
  Path usageFile;

  @Option(
      names = "--tls",
      paramLabel = "STACK",
      defaultValue = "AUTO",
      description = {
        "The TLS stack for both sides: AUTO (BoringSSL where its native library loads, else the"
            + " JDK's), NATIVE (fail if it cannot load) or JDK. The one in use is printed at"
            + " start. Default: ${DEFAULT-VALUE}."
      })
  TlsImplementation tls;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print one line per audit record on stderr.")
  boolean verbose;

  private final Map<String, String> env;
  private final PrintWriter err;
  private final StopSignal stop;

  ProxyCommand(Map<String, String> env, PrintWriter err, StopSignal stop) {
    this.env = Map.copyOf(env);
    this.err = err;
    this.stop = stop;
  }

  @Override
  public Integer call() throws InterruptedException {
    ProxyConfig config = configuration();
    Path ready = prepareReadyFile();
    StandaloneProxy run = StandaloneProxy.start(config, ready);
    try (run) {
      InetSocketAddress address = run.proxy().address();
      say(
          "proxy listening on "
              + address.getAddress().getHostAddress()
              + ":"
              + address.getPort()
              + " (run "
              + run.proxy().runId()
              + "), ready file "
              + run.readyFile());
      stop.await();
      say("stopping");
    }
    if (usageFile != null) {
      // After the stop: the counts are final once no connection is left.
      UsageFile.write(usageFile, run.proxy().usage());
    }
    return ExitCodes.OK;
  }

  /** The proxy configuration from the environment and the options, checked as a whole. */
  ProxyConfig configuration() {
    List<Credential> credentials;
    try {
      credentials =
          Credentials.fromEnvironment(
              credentialsFile == null ? env : CredentialsFile.readAndDelete(credentialsFile));
    } catch (InvalidConfigurationException e) {
      throw new CliException(ExitCodes.CREDENTIALS, e.getMessage(), e);
    }
    ProxyConfig.Builder builder =
        ProxyConfig.builder()
            .credentials(credentials)
            .auditLog(auditLog)
            .tls(tls)
            .listener(new AuditLines(err, verbose));
    if (listenIn == null) {
      builder.listen(listen);
    } else {
      builder.listen(new InetSocketAddress(SubnetAddress.ownAddressIn(listenIn), 0));
    }
    allowHosts.forEach(builder::allowHost);
    allowEndpoints.forEach(builder::allowEndpoint);
    builder
        .allowWebSearch(allowWebSearch)
        .maxBudgetUsd(maxBudgetUsd)
        .maxRequests(maxRequests)
        .modelFamily(modelFamily)
        .maxTokens(maxOutputTokens);
    routes.forEach(builder::route);
    if (runId != null) {
      if (!runId.matches("[A-Za-z0-9-]{1,64}")) {
        throw new InvalidConfigurationException(
            "--run-id " + runId + " is not a run id: letters, digits and dashes, at most 64");
      }
      builder.runId(runId);
    }
    upstreamCas.forEach(builder::upstreamCa);
    ProxyConfig config = builder.build();
    if (config.listen().getAddress().isAnyLocalAddress()) {
      // A wildcard bind exposes the credential to every network this machine is on, guarded only
      // by the proxy password.
      throw new InvalidConfigurationException(
          "--listen "
              + listen
              + " would listen on every network; give the one address clients use, such as"
              + " 127.0.0.1 or a Docker network's gateway");
    }
    return config;
  }

  /**
   * Checks where the ready file goes and removes a stale one, so that whoever waits for it never
   * reads the address of a proxy that is gone.
   */
  private Path prepareReadyFile() {
    if (readyFile == null) {
      return null;
    }
    Path target = readyFile.toAbsolutePath();
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new InvalidConfigurationException(
          "--ready-file " + readyFile + ": the folder " + parent + " does not exist");
    }
    if (Files.isDirectory(target)) {
      throw new InvalidConfigurationException(
          "--ready-file " + readyFile + " is a folder; give a file name");
    }
    try {
      Files.deleteIfExists(target);
    } catch (IOException e) {
      throw new ZerocredException("cannot remove the old ready file " + target + ": " + e, e);
    }
    return target;
  }

  private void say(String message) {
    synchronized (err) {
      err.println("zerocred: " + message);
      err.flush();
    }
  }
}
