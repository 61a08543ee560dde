package io.github.zerocred.proxy.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend of one intercepted exchange: hands response parts to the frontend and tells it when
 * the upstream becomes writable or goes away. Removed again when the exchange ends, so a pooled
 * connection carries no trace of the tunnel that used it.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final InterceptHandler frontend;
  private boolean reusable = true;

  UpstreamHandler(InterceptHandler frontend) {
    this.frontend = frontend;
  }

  /** Whether the upstream allowed keep-alive for the response that just ended. */
  boolean reusable() {
    return reusable;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject http)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse r && r.status().code() >= 200 && !HttpUtil.isKeepAlive(r)) {
      reusable = false;
    }
    frontend.onUpstreamMessage(this, http);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    frontend.upstreamReadComplete(this);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      frontend.upstreamWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reusable = false;
    frontend.upstreamFailed(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    reusable = false;
    ctx.close();
  }
}
