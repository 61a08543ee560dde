package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.AuditRecord;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;

/**
 * Relays raw bytes of a pass-through tunnel one way, reading the next chunk only once the last one
 * is written: the slower side sets the pace, and nothing piles up in memory. Both channels share
 * one event loop, so the tunnel's counters need no synchronisation.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

  /** Byte counts and the single audit record of one tunnel. */
  static final class Tunnel {
    private final ProxyRuntime rt;
    private final String host;
    private final int port;
    private final Instant start;
    long fromClient;
    long toClient;
    private boolean recorded;

    Tunnel(ProxyRuntime rt, String host, int port, Instant start) {
      this.rt = rt;
      this.host = host;
      this.port = port;
      this.start = start;
    }

    void closed() {
      if (!recorded) {
        recorded = true;
        rt.audit(
            start,
            "CONNECT",
            host,
            port,
            null,
            AuditRecord.ALLOWED,
            "allow_listed",
            false,
            200,
            fromClient,
            toClient);
      }
    }
  }

  private final Channel peer;
  private final Tunnel tunnel;
  private final boolean clientSide;

  RelayHandler(Channel peer, Tunnel tunnel, boolean clientSide) {
    this.peer = peer;
    this.tunnel = tunnel;
    this.clientSide = clientSide;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (clientSide) {
      tunnel.fromClient += buf.readableBytes();
    } else {
      tunnel.toClient += buf.readableBytes();
    }
    if (!peer.isActive()) {
      buf.release();
      return;
    }
    peer.writeAndFlush(buf)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                ctx.channel().read();
              } else {
                peer.close();
                ctx.close();
              }
            });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    tunnel.closed();
    Responses.closeOnFlush(peer);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
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
