package io.github.zerocred.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A permissive HTTPS (HTTP/1.1, keep-alive) server for tests that records every request it receives
 * and answers with whatever its {@link StandInHandler} decides.
 */
public final class StandInServer implements AutoCloseable {

  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ChannelGroup channels;
  private final Channel serverChannel;
  private final Queue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();
  private final AtomicInteger recordedCount = new AtomicInteger();
  private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private final AtomicLong connectionIds = new AtomicLong();
  private final AtomicInteger acceptedConnections = new AtomicInteger();
  private final int keepRequests;

  private StandInServer(Builder builder) {
    this.keepRequests = builder.keepRequests;
    // Daemon threads: a test that forgets close() must not keep the JVM alive.
    this.bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("stand-in-boss", true));
    this.workerGroup = new NioEventLoopGroup(2, new DefaultThreadFactory("stand-in-worker", true));
    this.channels = new DefaultChannelGroup("stand-in", GlobalEventExecutor.INSTANCE);
    try {
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(bossGroup, workerGroup)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new StandInServerInitializer(
                      builder.identity.serverSslContext(), builder.handler, this));
      this.serverChannel = bootstrap.bind(builder.bind).syncUninterruptibly().channel();
      channels.add(serverChannel);
    } catch (RuntimeException e) {
      shutDownGroups();
      throw e;
    }
  }

  /** Starts configuring a server; {@link Builder#identity(ServerIdentity)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bound address (with the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The bound port. */
  public int port() {
    return address().getPort();
  }

  /** A snapshot of the recorded requests, oldest first. */
  public List<RecordedRequest> requests() {
    return new ArrayList<>(requests);
  }

  /** Forgets every recorded request. */
  public void clearRequests() {
    while (requests.poll() != null) {
      recordedCount.decrementAndGet();
    }
  }

  /** How many TCP connections were accepted so far (including those whose TLS handshake failed). */
  public int acceptedConnections() {
    return acceptedConnections.get();
  }

  /**
   * Returns the first recorded request (already received or arriving within {@code timeout})
   * matching {@code predicate}.
   *
   * @throws AssertionError when none arrives in time; the message lists what did arrive
   */
  public RecordedRequest awaitRequest(
      Predicate<? super RecordedRequest> predicate, Duration timeout) {
    Waiter waiter = new Waiter(predicate);
    // Register before scanning: a request recorded meanwhile is then seen by one side or the other.
    waiters.add(waiter);
    try {
      for (RecordedRequest request : requests) {
        waiter.offer(request);
      }
      return waiter.future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "no matching request within " + timeout + "; received: " + requests(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a request", e);
    } catch (ExecutionException e) {
      throw new AssertionError("request predicate failed", e.getCause());
    } finally {
      waiters.remove(waiter);
    }
  }

  /** Closes every connection and the listening socket, and stops the event loops. */
  @Override
  public void close() {
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutDownGroups();
  }

  private void shutDownGroups() {
    // No quiet period: nothing may still be submitted once the channels are closed.
    bossGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    bossGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    workerGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  long connectionOpened(Channel channel) {
    channels.add(channel);
    acceptedConnections.incrementAndGet();
    return connectionIds.incrementAndGet();
  }

  void record(RecordedRequest request) {
    requests.add(request);
    if (recordedCount.incrementAndGet() > keepRequests && requests.poll() != null) {
      recordedCount.decrementAndGet();
    }
    for (Waiter waiter : waiters) {
      waiter.offer(request);
    }
  }

  /** A test thread waiting in {@link #awaitRequest} for a matching request. */
  private static final class Waiter {
    final Predicate<? super RecordedRequest> predicate;
    final CompletableFuture<RecordedRequest> future = new CompletableFuture<>();

    Waiter(Predicate<? super RecordedRequest> predicate) {
      this.predicate = predicate;
    }

    void offer(RecordedRequest request) {
      if (future.isDone()) {
        return;
      }
      try {
        if (predicate.test(request)) {
          future.complete(request);
        }
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
  }

  /** Configures a {@link StandInServer}. */
  public static final class Builder {
    private ServerIdentity identity;
    private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
    private StandInHandler handler = request -> StandInResponse.echo();
    private int keepRequests = 10_000;

    private Builder() {}

    /** The certificate the server presents (required). */
    public Builder identity(ServerIdentity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /** Where to listen; default {@code 127.0.0.1:0} (a free port). */
    public Builder bind(InetSocketAddress bind) {
      this.bind = Objects.requireNonNull(bind, "bind");
      return this;
    }

    /** Decides each response; default {@link StandInResponse#echo()}. */
    public Builder handler(StandInHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** How many requests to remember, oldest forgotten first (default 10,000; benchmarks). */
    public Builder keepRequests(int keepRequests) {
      if (keepRequests < 1) {
        throw new IllegalArgumentException("keepRequests must be positive: " + keepRequests);
      }
      this.keepRequests = keepRequests;
      return this;
    }

    /** Binds and returns the running server. */
    public StandInServer start() {
      if (identity == null) {
        throw new IllegalStateException("identity(ServerIdentity) is required");
      }
      return new StandInServer(this);
    }
  }
}
