package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.AuditRecord;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.audit.AuditLog;
import io.github.zerocred.proxy.policy.EgressPolicy;
import io.github.zerocred.proxy.policy.MessagesBodyPolicy;
import io.github.zerocred.proxy.policy.PriceTable;
import io.github.zerocred.proxy.policy.RunSpend;
import io.github.zerocred.proxy.tls.InterceptionTls;
import io.github.zerocred.proxy.tls.UpstreamTls;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What every connection of one proxy run shares. Immutable but for the counters. */
final class ProxyRuntime {
  final ProxyConfig config;
  final EgressPolicy policy;
  final InterceptionTls interception;
  final UpstreamTls upstreamTls;
  final AuditLog audit;
  final UpstreamPool pool;
  final ExecutorService resolver;
  final List<Credential.Redaction> redactions;

  /** {@link #redactions} prepared once for the per-response {@link SecretRedactor}s. */
  final SecretRedactor.Patterns redactionPatterns;

  final AtomicInteger openTunnels = new AtomicInteger();
  final ApiPolicy apiPolicy;
  final MessagesBodyPolicy bodyPolicy;
  final RunSpend spend;

  /** Hosts the {@link ApiPolicy} governs: those of the Anthropic credential. */
  final Set<String> apiHosts;

  /** Request-body bytes buffered for checking, over all connections: bounded as a whole too. */
  final AtomicLong bufferedBodyBytes = new AtomicLong();

  final long maxBufferedBodyBytes;
  private final byte[] expectedProxyAuthorization;

  ProxyRuntime(
      ProxyConfig config,
      InterceptionTls interception,
      UpstreamTls upstreamTls,
      AuditLog audit,
      ExecutorService resolver,
      String proxyAuthorization) {
    this.config = config;
    this.policy = new EgressPolicy(config);
    this.interception = interception;
    this.upstreamTls = upstreamTls;
    this.audit = audit;
    this.resolver = resolver;
    this.pool = new UpstreamPool();
    List<Credential.Redaction> list = new ArrayList<>();
    config.credentials().forEach(c -> list.addAll(c.redactions()));
    this.redactions = List.copyOf(list);
    this.redactionPatterns = new SecretRedactor.Patterns(redactions);
    this.apiPolicy = config.apiPolicy();
    this.bodyPolicy = new MessagesBodyPolicy(apiPolicy);
    this.spend = new RunSpend(apiPolicy, PriceTable.load());
    this.apiHosts = config.apiHosts();
    this.maxBufferedBodyBytes = Math.max(4 * apiPolicy.maxRequestBodyBytes(), 256L << 20);
    this.expectedProxyAuthorization = proxyAuthorization.getBytes(StandardCharsets.US_ASCII);
  }

  /** Constant-time check of a {@code Proxy-Authorization} header value. */
  boolean proxyAuthorized(String headerValue) {
    if (headerValue == null) {
      return false;
    }
    return MessageDigest.isEqual(
        headerValue.strip().getBytes(StandardCharsets.US_ASCII), expectedProxyAuthorization);
  }

  void audit(
      Instant start,
      String method,
      String host,
      int port,
      String path,
      String decision,
      String reason,
      boolean injected,
      int status,
      long bytesIn,
      long bytesOut) {
    long duration = Math.max(0, Instant.now().toEpochMilli() - start.toEpochMilli());
    audit.record(
        new AuditRecord(
            start,
            config.runId(),
            method,
            host,
            port,
            path,
            decision,
            reason,
            injected,
            status,
            bytesIn,
            bytesOut,
            duration));
  }
}
