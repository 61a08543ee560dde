package io.github.zerocred.proxy.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend of an intercepted upstream connection: hands response parts to the exchange that
 * holds the connection and tells it when the upstream becomes writable or goes away. It stays in
 * the pipeline for the connection's life; between exchanges, while the connection is parked in the
 * {@link UpstreamPool}, it has no frontend, and then a message from upstream (out of turn) closes
 * the connection. Being permanent saves the pipeline edits and timers a per-exchange handler cost
 * on every request (bench/ workload 1). All calls happen on the connection's event loop.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  /** The pipeline name under which {@link UpstreamConnector} installs it. */
  static final String NAME = "exchange";

  private InterceptHandler frontend;
  private boolean reusable = true;

  /** Gives the connection to an exchange of {@code frontend}. */
  void attach(InterceptHandler frontend) {
    this.frontend = frontend;
    this.reusable = true;
  }

  /** Takes the connection back from its exchange: nothing more reaches that frontend. */
  void detach() {
    this.frontend = null;
  }

  /** Whether the upstream allowed keep-alive for the response that just ended. */
  boolean reusable() {
    return reusable;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    InterceptHandler f = frontend;
    if (f == null) {
      // Parked: an upstream that talks out of turn is not reused.
      ReferenceCountUtil.release(msg);
      reusable = false;
      ctx.close();
      return;
    }
    if (!(msg instanceof HttpObject http)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse r && r.status().code() >= 200 && !HttpUtil.isKeepAlive(r)) {
      reusable = false;
    }
    f.onUpstreamMessage(this, http);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    InterceptHandler f = frontend;
    if (f != null) {
      f.upstreamReadComplete(this);
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    InterceptHandler f = frontend;
    if (f != null && ctx.channel().isWritable()) {
      f.upstreamWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reusable = false;
    InterceptHandler f = frontend;
    if (f != null) {
      f.upstreamFailed(this);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    reusable = false;
    ctx.close();
  }
}
