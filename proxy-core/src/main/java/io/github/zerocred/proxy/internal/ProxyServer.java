package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ProxyEvent;
import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.proxy.audit.AuditLog;
import io.github.zerocred.proxy.tls.CertificateAuthority;
import io.github.zerocred.proxy.tls.InterceptionTls;
import io.github.zerocred.proxy.tls.TlsProvider;
import io.github.zerocred.proxy.tls.TlsWarmUp;
import io.github.zerocred.proxy.tls.UpstreamTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Bootstraps one proxy run and owns everything it starts, so that {@link #close()} ends it all. */
public final class ProxyServer implements AutoCloseable {
  /** The proxy user name; the password is what is secret, and it is new every run. */
  public static final String USER = "zerocred";

  private final ProxyConfig config;
  private final CertificateAuthority ca;
  private final String password;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService resolver;
  private final AuditLog audit;
  private final ProxyRuntime runtime;
  private final Channel serverChannel;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ProxyServer(ProxyConfig config) {
    this.config = config;
    // The CA first: it needs no TLS stack, and in a cold standalone start the TLS stack is still
    // being loaded on the preload thread (ProxyPreload), which select() then waits for. This order
    // makes the CA on this thread while that finishes instead of after (bench/RESULTS.md, "Start
    // time and RSS").
    this.ca =
        CertificateAuthority.create(config.interceptedHosts(), config.caValidity(), config.runId());
    TlsProvider tls = TlsProvider.select(config.tls());
    this.password = newPassword();
    try {
      this.audit = new AuditLog(config.auditLog(), config.listener(), config.runId());
    } catch (IOException e) {
      throw new ZerocredException(
          "cannot open the audit log " + config.auditLog().orElseThrow() + ": " + e.getMessage(),
          e);
    }
    this.resolver =
        Executors.newFixedThreadPool(2, new DefaultThreadFactory("zerocred-resolve", true));
    this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("zerocred-accept", true));
    this.workers = new NioEventLoopGroup(0, new DefaultThreadFactory("zerocred-io", true));
    String authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((USER + ":" + password).getBytes(StandardCharsets.US_ASCII));
    this.runtime =
        new ProxyRuntime(
            config,
            new InterceptionTls(ca, tls),
            UpstreamTls.create(config.upstreamTrust(), true, tls),
            audit,
            resolver,
            authorization);
    try {
      this.serverChannel =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new ProxyServerInitializer(runtime))
              .bind(config.listen())
              .syncUninterruptibly()
              .channel();
    } catch (Exception e) { // bind failures arrive as undeclared checked exceptions
      shutdown();
      throw new ZerocredException(
          "cannot listen on " + config.listen() + ": " + UpstreamConnector.describe(e), e);
    }
    // Once per run, and only for a run that started: a failed bind reports that alone.
    audit.event(new ProxyEvent.TlsChosen(tls.description(), tls.fallbackReason()));
    audit.event(new ProxyEvent.Started(config.runId(), address()));
    // Off the network threads, while the client (a container, usually) is still starting.
    resolver.execute(() -> TlsWarmUp.run(runtime.interception, config.interceptedHosts()));
  }

  /** Starts a proxy run; on failure nothing is left running. */
  public static ProxyServer start(ProxyConfig config) {
    return new ProxyServer(config);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public String password() {
    return password;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public ProxyConfig config() {
    return config;
  }

  /** What the run's Messages traffic cost so far, measured here. */
  public ProxyUsage usage() {
    return runtime.spend.snapshot();
  }

  /** The TLS stack this run uses, as the {@link ProxyEvent.TlsChosen} event named it. */
  public String tlsProvider() {
    return runtime.interception.provider().description();
  }

  /** Connections being served right now. */
  public int openConnections() {
    return runtime.openTunnels.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdown();
  }

  private void shutdown() {
    if (runtime != null) {
      runtime.pool.closeAll();
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    resolver.shutdownNow();
    try {
      // The warm-up may still hold an engine; let it finish before the contexts go.
      resolver.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (runtime != null) {
      // After the event loops: no handshake is left that could still need a context.
      runtime.interception.close();
      runtime.upstreamTls.close();
    }
    audit.event(new ProxyEvent.Stopped(config.runId()));
    audit.close();
  }

  private static String newPassword() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
