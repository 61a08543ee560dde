package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.AuditRecord;
import io.github.zerocred.proxy.policy.ConnectDecision;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The frontend of a new client connection: authenticates the proxy user, decides the CONNECT on the
 * authority it names, dials upstream, and then turns the connection into either a raw relay or an
 * intercepting TLS endpoint. Anything but an authenticated CONNECT to an allowed host is refused
 * and audited.
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter {
  private final ProxyRuntime rt;
  private boolean counted;
  private boolean decided; // a CONNECT was accepted; later messages are leftovers
  private final List<ByteBuf> early = new ArrayList<>();

  ConnectHandler(ProxyRuntime rt) {
    this.rt = rt;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    int open = rt.openTunnels.incrementAndGet();
    counted = true;
    if (open > rt.config.limits().maxConcurrentTunnels()) {
      rt.audit(
          Instant.now(),
          "CONNECT",
          "",
          0,
          null,
          AuditRecord.DENIED,
          "too_many_tunnels",
          false,
          503,
          0,
          0);
      Responses.sendAndClose(ch, 503, "too many concurrent connections");
      return;
    }
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    early.forEach(ReferenceCountUtil::release);
    early.clear();
  }

  private void release() {
    if (counted) {
      counted = false;
      rt.openTunnels.decrementAndGet();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (decided) {
      // Bytes the client sent before our 200 (or the CONNECT's empty body): keep raw bytes for the
      // next stage, drop the rest.
      if (msg instanceof ByteBuf b) {
        early.add(b);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (!(msg instanceof HttpRequest request)) {
      ReferenceCountUtil.release(msg);
      ctx.read();
      return;
    }
    try {
      onRequest(ctx, request);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    Instant start = Instant.now();
    Channel ch = ctx.channel();
    if (request.decoderResult().isFailure()) {
      boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
      refuse(ch, start, "-", "", 0, tooLong ? 431 : 400, "malformed_request", "malformed request");
      return;
    }
    if (!HttpMethod.CONNECT.equals(request.method())) {
      String[] hp = plainTarget(request);
      refuse(
          ch,
          start,
          request.method().name(),
          hp[0],
          Integer.parseInt(hp[1]),
          403,
          "plain_http_refused",
          "plain-HTTP proxy requests are refused; use HTTPS through CONNECT");
      return;
    }
    ConnectDecision decision = rt.policy.decide(request.uri());
    String auth = request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
    if (!rt.proxyAuthorized(auth)) {
      refuse(
          ch,
          start,
          "CONNECT",
          decision.host(),
          decision.port(),
          407,
          auth == null ? "proxy_auth_required" : "proxy_auth_invalid",
          "proxy authentication required");
      return;
    }
    if (decision instanceof ConnectDecision.Refused r) {
      refuse(ch, start, "CONNECT", r.host(), r.port(), r.status(), r.reason(), r.message());
      return;
    }
    ConnectDecision.Allowed target = (ConnectDecision.Allowed) decision;
    decided = true;
    if (target.intercept()) {
      // Nothing to dial yet: the upstream connection is made per request, after we have read it.
      becomeInterceptor(ctx, target, start);
      return;
    }
    Future<Channel> upstream = UpstreamConnector.connect(rt, ch.eventLoop(), target, false);
    ch.closeFuture().addListener(f -> upstream.cancel(false));
    upstream.addListener(
        f -> {
          if (!f.isSuccess()) {
            if (f.cause() instanceof UpstreamException e) {
              refuse(
                  ch,
                  start,
                  "CONNECT",
                  target.host(),
                  target.port(),
                  e.status(),
                  e.reason(),
                  e.getMessage());
            } else if (!f.isCancelled()) {
              ch.close();
            }
            return;
          }
          becomeRelay(ctx, target, upstream.getNow(), start);
        });
  }

  private void becomeRelay(
      ChannelHandlerContext ctx, ConnectDecision.Allowed target, Channel upstream, Instant start) {
    Channel ch = ctx.channel();
    if (!ch.isActive()) {
      upstream.close();
      return;
    }
    RelayHandler.Tunnel tunnel = new RelayHandler.Tunnel(rt, target.host(), target.port(), start);
    writeEstablished(ctx);
    ChannelPipeline p = ch.pipeline();
    p.remove("http");
    p.replace("timeout", "timeout", idleHandler());
    p.addLast("relay", new RelayHandler(upstream, tunnel, true));
    upstream.pipeline().addLast("relay", new RelayHandler(ch, tunnel, false));
    handOver(ctx);
    upstream.read();
  }

  private void becomeInterceptor(
      ChannelHandlerContext ctx, ConnectDecision.Allowed target, Instant start) {
    Channel ch = ctx.channel();
    SslHandler tls;
    try {
      // newHandler: a native engine then skips the JDK-compatibility mode (see UpstreamTls).
      tls = rt.interception.contextFor(target.host()).newHandler(ch.alloc());
    } catch (RuntimeException e) {
      refuse(
          ch,
          start,
          "CONNECT",
          target.host(),
          target.port(),
          500,
          "internal_error",
          "internal error");
      return;
    }
    tls.setHandshakeTimeoutMillis(rt.config.limits().handshakeTimeout().toMillis());
    writeEstablished(ctx);
    ChannelPipeline p = ch.pipeline();
    p.remove("http");
    p.replace("timeout", "timeout", idleHandler());
    p.addLast("tls", tls);
    p.addLast("http", new ServerCodec(rt.config.limits().maxHeaderBytes()));
    p.addLast("intercept", new InterceptHandler(rt, target));
    handOver(ctx);
  }

  /** Moves any early bytes into the new pipeline and steps aside, keeping the tunnel counted. */
  private void handOver(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    List<ByteBuf> pending = new ArrayList<>(early);
    early.clear();
    boolean wasCounted = counted;
    counted = false; // the counter now belongs to the close listener below
    if (wasCounted) {
      ch.closeFuture().addListener(f -> rt.openTunnels.decrementAndGet());
    }
    ch.pipeline().remove(this);
    for (ByteBuf b : pending) {
      ch.pipeline().fireChannelRead(b);
    }
    ch.read();
  }

  private static void writeEstablished(ChannelHandlerContext ctx) {
    DefaultFullHttpResponse ok =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection established"));
    // Encoded by the HTTP codec synchronously, before the pipeline changes below.
    ctx.writeAndFlush(ok);
  }

  private IdleStateHandler idleHandler() {
    return new IdleStateHandler(
        0, 0, rt.config.limits().idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refuse(
      Channel ch,
      Instant start,
      String method,
      String host,
      int port,
      int status,
      String reason,
      String message) {
    rt.audit(start, method, host, port, null, AuditRecord.DENIED, reason, false, status, 0, 0);
    Responses.sendAndClose(ch, status, message);
  }

  private static String[] plainTarget(HttpRequest request) {
    try {
      URI uri = URI.create(request.uri());
      if (uri.getHost() != null) {
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return new String[] {uri.getHost(), String.valueOf(port)};
      }
    } catch (IllegalArgumentException e) {
      // fall through: not an absolute URI
    }
    return new String[] {"", "0"};
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      // No complete CONNECT in time: a slow-loris or a confused client.
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
