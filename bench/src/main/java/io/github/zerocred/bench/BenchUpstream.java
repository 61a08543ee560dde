package io.github.zerocred.bench;

import io.github.zerocred.testkit.RepeatedBlockInput;
import io.github.zerocred.testkit.ServerIdentity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTPS upstream every benchmark talks to, playing {@code api.anthropic.com} (and the GitHub
 * hosts, for first-host certificate minting). Unlike the testkit's recording stand-in it keeps
 * nothing per request, and it stamps each server-sent event with {@link System#nanoTime()} so the
 * load generator in the same JVM can measure each event's latency.
 *
 * <ul>
 *   <li>{@code GET /small}: 1,024 bytes.
 *   <li>{@code GET /large?bytes=N}: N bytes, at the pace the client reads.
 *   <li>{@code POST /upload}: reads the body, answers with its length.
 *   <li>{@code POST /v1/messages}: reads the body, answers like the Messages API (with usage).
 *   <li>{@code GET /sse?events=N&size=S&gapMicros=G}: N events of about S bytes, one every G µs.
 * </ul>
 *
 * Every request for {@code api.anthropic.com} must carry {@code Authorization: Bearer <the real
 * token>}; the counts of those that did and did not prove that each proxy injected the credential.
 */
final class BenchUpstream implements AutoCloseable {
  /** The host the upstream plays, whose requests must carry the real token. */
  static final String HOST = "api.anthropic.com";

  static final int SMALL_BYTES = 1024;
  private static final int BLOCK = 64 * 1024;

  private final EventLoopGroup boss = new NioEventLoopGroup(1, daemon("bench-upstream-boss"));
  private final EventLoopGroup workers = new NioEventLoopGroup(2, daemon("bench-upstream"));
  private final Channel server;
  private final String expectedAuthorization;
  private final byte[] small;
  private final byte[] block;
  final AtomicLong connections = new AtomicLong();
  final AtomicLong authorized = new AtomicLong();
  final AtomicLong unauthorized = new AtomicLong();

  BenchUpstream(ServerIdentity identity, String realToken) {
    this.expectedAuthorization = "Bearer " + realToken;
    Random random = new Random(42);
    this.block = new byte[BLOCK];
    random.nextBytes(block);
    this.small = new byte[SMALL_BYTES];
    for (int i = 0; i < small.length; i++) {
      small[i] = (byte) ('a' + random.nextInt(26));
    }
    SslContext tls = identity.serverSslContext();
    this.server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    ch.pipeline()
                        .addLast(tls.newHandler(ch.alloc()))
                        .addLast(new HttpServerCodec())
                        .addLast(new ChunkedWriteHandler())
                        .addLast(new Handler());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static DefaultThreadFactory daemon(String name) {
    return new DefaultThreadFactory(name, true);
  }

  /** One connection's requests, one at a time (the load generator never pipelines). */
  private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private HttpRequest request;
    private long bodyBytes;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest r) {
        request = r;
        bodyBytes = 0;
        String host = r.headers().get(HttpHeaderNames.HOST, "");
        if (host.equals(HOST) || host.startsWith(HOST + ":")) {
          if (expectedAuthorization.equals(r.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            authorized.incrementAndGet();
          } else {
            unauthorized.incrementAndGet();
          }
        }
      }
      if (msg instanceof HttpContent content) {
        bodyBytes += content.content().readableBytes();
      }
      if (msg instanceof LastHttpContent && request != null) {
        HttpRequest done = request;
        request = null;
        respond(ctx, done);
      }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest req) {
      QueryStringDecoder uri = new QueryStringDecoder(req.uri());
      switch (uri.path()) {
        case "/small" -> full(ctx, "text/plain", Unpooled.wrappedBuffer(small));
        case "/upload" ->
            full(
                ctx,
                "application/json",
                Unpooled.copiedBuffer("{\"received\":" + bodyBytes + "}", StandardCharsets.UTF_8));
        case "/large" -> large(ctx, longParam(uri, "bytes", 1024));
        case "/v1/messages" ->
            full(
                ctx,
                "application/json",
                Unpooled.copiedBuffer(
                    "{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":"
                        + "\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"usage\":"
                        + "{\"input_tokens\":"
                        + bodyBytes / 4
                        + ",\"output_tokens\":1}}",
                    StandardCharsets.UTF_8));
        case "/sse" ->
            sse(
                ctx,
                (int) longParam(uri, "events", 10),
                (int) longParam(uri, "size", 200),
                longParam(uri, "gapMicros", 0));
        default ->
            ctx.writeAndFlush(
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND))
                .addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void full(ChannelHandlerContext ctx, String type, ByteBuf body) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      HttpUtil.setContentLength(response, body.readableBytes());
      ctx.writeAndFlush(response);
    }

    private void large(ChannelHandlerContext ctx, long length) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
      HttpUtil.setContentLength(head, length);
      ctx.write(head);
      // The shared random block, 64 KB at a time, wrapped and not copied: the upstream's own cost
      // stays out of the figure.
      ctx.writeAndFlush(new HttpChunkedInput(new RepeatedBlockInput(block, length)));
    }

    private void sse(ChannelHandlerContext ctx, int events, int size, long gapMicros) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
      head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
      HttpUtil.setTransferEncodingChunked(head, true);
      ctx.writeAndFlush(head);
      long start = System.nanoTime();
      sendEvent(ctx, 0, events, size, start, gapMicros * 1000);
    }

    /** Sends event {@code i}, then schedules the next at its fixed time (no drift). */
    private void sendEvent(
        ChannelHandlerContext ctx, int i, int events, int size, long start, long gapNanos) {
      if (!ctx.channel().isActive()) {
        return;
      }
      if (i == events) {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        return;
      }
      ctx.writeAndFlush(new DefaultHttpContent(Sse.event(i, System.nanoTime(), size)));
      long due = start + (i + 1) * gapNanos;
      long wait = due - System.nanoTime();
      if (wait <= 0) {
        ctx.executor().execute(() -> sendEvent(ctx, i + 1, events, size, start, gapNanos));
      } else {
        ctx.executor()
            .schedule(
                () -> sendEvent(ctx, i + 1, events, size, start, gapNanos),
                wait,
                TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Clients of a benchmark hang up whenever a workload ends.
      ctx.close();
    }
  }

  private static long longParam(QueryStringDecoder uri, String name, long fallback) {
    var values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? fallback : Long.parseLong(values.get(0));
  }
}
