package io.github.zerocred.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to intercepted upstreams, kept per event loop so a channel is only
 * ever reused by clients on the loop it lives on. The inner state is touched only from its own
 * loop: no locks.
 *
 * <p>Parking costs no pipeline change and no timer per request: a connection's {@link
 * UpstreamHandler} stays in its pipeline and closes it if the upstream talks while it is parked; a
 * connection is not handed out once it has idled {@link #IDLE_SECONDS}, and one sweep per loop
 * (while anything is parked there) closes those that nobody asked for.
 */
final class UpstreamPool {
  // Per loop and host. It must cover the tunnels a loop serves at once: with 8, 64 busy tunnels
  // on 4 loops closed most released connections and redid an upstream TLS handshake for ~15% of
  // requests (bench/ workload 2).
  private static final int MAX_IDLE_PER_HOST = 64;
  private static final long IDLE_SECONDS = 50;
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
  private static final long SWEEP_SECONDS = 10;

  private final ConcurrentMap<EventLoop, Parking> idle = new ConcurrentHashMap<>();

  /** One loop's parked connections, and whether its sweep is scheduled. */
  private static final class Parking {
    final Map<String, ArrayDeque<Parked>> byHost = new HashMap<>();
    boolean sweepScheduled;
  }

  /** A parked connection and when it was parked ({@link System#nanoTime()}). */
  private record Parked(Channel channel, long since) {}

  /** An idle connection for {@code key} on this loop, or null. Call on {@code loop}. */
  Channel poll(EventLoop loop, String key) {
    ArrayDeque<Parked> q = parking(loop).byHost.get(key);
    if (q == null) {
      return null;
    }
    long now = System.nanoTime();
    Parked p;
    while ((p = q.pollFirst()) != null) {
      if (p.channel.isActive() && now - p.since < IDLE_NANOS) {
        return p.channel;
      }
      p.channel.close();
    }
    return null;
  }

  /**
   * Parks a connection whose last response is complete and whose {@link UpstreamHandler} is
   * detached. Call on its loop.
   */
  void offer(String key, Channel ch) {
    EventLoop loop = ch.eventLoop();
    Parking parking = parking(loop);
    ArrayDeque<Parked> q = parking.byHost.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (!ch.isActive() || q.size() >= MAX_IDLE_PER_HOST) {
      ch.close();
      return;
    }
    q.addFirst(new Parked(ch, System.nanoTime()));
    // Read while parked so that a server-side close is noticed before we hand the connection out.
    ch.read();
    if (!parking.sweepScheduled) {
      parking.sweepScheduled = true;
      loop.schedule(() -> sweep(loop), SWEEP_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Closes this loop's connections that idled too long or went away; again later if any stay. */
  private void sweep(EventLoop loop) {
    Parking parking = idle.get(loop);
    if (parking == null) {
      return;
    }
    long now = System.nanoTime();
    boolean left = false;
    for (Iterator<ArrayDeque<Parked>> it = parking.byHost.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Parked> q = it.next();
      q.removeIf(
          p -> {
            boolean stale = !p.channel.isActive() || now - p.since >= IDLE_NANOS;
            if (stale) {
              p.channel.close();
            }
            return stale;
          });
      if (q.isEmpty()) {
        it.remove();
      } else {
        left = true;
      }
    }
    parking.sweepScheduled = left;
    if (left) {
      loop.schedule(() -> sweep(loop), SWEEP_SECONDS, TimeUnit.SECONDS);
    }
  }

  void closeAll() {
    for (EventLoop loop : idle.keySet()) {
      loop.execute(
          () -> {
            Parking parking = idle.remove(loop);
            if (parking != null) {
              parking.byHost.values().forEach(q -> q.forEach(p -> p.channel.close()));
            }
          });
    }
  }

  private Parking parking(EventLoop loop) {
    return idle.computeIfAbsent(loop, l -> new Parking());
  }
}
