package io.github.zerocred.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to intercepted upstreams, kept per event loop so a channel is only
 * ever reused by clients on the loop it lives on. The inner maps are touched only from their own
 * loop: no locks.
 */
final class UpstreamPool {
  // Per loop and host. It must cover the tunnels a loop serves at once: with 8, 64 busy tunnels
  // on 4 loops closed most released connections and redid an upstream TLS handshake for ~15% of
  // requests (bench/ workload 2). Idle ones still go after IDLE_SECONDS.
  private static final int MAX_IDLE_PER_HOST = 64;
  private static final long IDLE_SECONDS = 50;
  private static final String IDLE_HANDLER = "pool-idle";
  private static final String WATCH_HANDLER = "pool-watch";

  private final ConcurrentMap<EventLoop, Map<String, ArrayDeque<Channel>>> idle =
      new ConcurrentHashMap<>();

  /** An idle connection for {@code key} on this loop, or null. Call on {@code loop}. */
  Channel poll(EventLoop loop, String key) {
    ArrayDeque<Channel> q = queue(loop, key);
    Channel ch;
    while ((ch = q.pollFirst()) != null) {
      if (ch.isActive()) {
        ch.pipeline().remove(IDLE_HANDLER);
        ch.pipeline().remove(WATCH_HANDLER);
        return ch;
      }
    }
    return null;
  }

  /** Parks a connection whose last response is complete. Call on its loop. */
  void offer(String key, Channel ch) {
    EventLoop loop = ch.eventLoop();
    ArrayDeque<Channel> q = queue(loop, key);
    if (!ch.isActive() || q.size() >= MAX_IDLE_PER_HOST) {
      ch.close();
      return;
    }
    ch.pipeline()
        .addLast(IDLE_HANDLER, new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
        .addLast(WATCH_HANDLER, new IdleWatch(q));
    q.addFirst(ch);
    // Read while parked so a server-side close is noticed before we hand the connection out.
    ch.read();
  }

  void closeAll() {
    for (EventLoop loop : idle.keySet()) {
      loop.execute(
          () -> {
            Map<String, ArrayDeque<Channel>> byHost = idle.remove(loop);
            if (byHost != null) {
              byHost.values().forEach(q -> q.forEach(Channel::close));
            }
          });
    }
  }

  private ArrayDeque<Channel> queue(EventLoop loop, String key) {
    return idle.computeIfAbsent(loop, l -> new HashMap<>())
        .computeIfAbsent(key, k -> new ArrayDeque<>());
  }

  /** Closes a parked connection that talks out of turn, idles too long, or is closed remotely. */
  private static final class IdleWatch extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Channel> queue;

    IdleWatch(ArrayDeque<Channel> queue) {
      this.queue = queue;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      queue.remove(ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
