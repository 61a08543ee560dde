package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchUpstream.HOST;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The client side of the workloads: the request loops they drive through one way, each failing on a
 * wrong status or byte count, so that a figure never comes from a broken exchange.
 */
final class Traffic {
  private Traffic() {}

  /** What a timed loop measured. */
  record Sample(long count, long elapsedNanos, LongList latencies, long upstreamConnections) {
    double perSecond() {
      return count / (elapsedNanos / 1e9);
    }
  }

  /** Sequential 1 KB requests on one new connection for {@code duration}. */
  static Sample sequential(Way way, Duration duration, BenchUpstream upstream) throws IOException {
    long connections = upstream.connections.get();
    try (HttpConnection c = HttpConnection.open(way, HOST)) {
      Sample s = loop(c, way, System.nanoTime() + duration.toNanos());
      return new Sample(
          s.count, s.elapsedNanos, s.latencies, upstream.connections.get() - connections);
    }
  }

  /** Sequential 1 KB requests on one connection until {@code deadline}. */
  private static Sample loop(HttpConnection c, Way way, long deadline) throws IOException {
    HttpConnection.Discard sink = new HttpConnection.Discard();
    LongList latencies = new LongList();
    long start = System.nanoTime();
    long now = start;
    long count = 0;
    while (now < deadline) {
      long t = System.nanoTime();
      int status = c.get(HOST, "/small", way.authorization(), sink);
      now = System.nanoTime();
      if (status != 200) {
        throw new IOException(way.name() + ": status " + status);
      }
      latencies.add(now - t);
      count++;
    }
    if (sink.bytes != count * BenchUpstream.SMALL_BYTES) {
      throw new IOException(way.name() + ": " + sink.bytes + " bytes for " + count + " responses");
    }
    return new Sample(count, now - start, latencies, 0);
  }

  /** Sequential 1 KB requests on each of {@code tunnels} new connections, all at once. */
  static Sample concurrent(Way way, int tunnels, Duration duration, BenchUpstream upstream)
      throws Exception {
    long upstreamBefore = upstream.connections.get();
    List<HttpConnection> connections = openMany(way, tunnels, 16);
    ExecutorService pool = Executors.newFixedThreadPool(tunnels);
    try {
      CountDownLatch go = new CountDownLatch(1);
      long[] deadline = new long[1];
      List<Future<Sample>> futures = new ArrayList<>();
      for (HttpConnection c : connections) {
        Callable<Sample> task =
            () -> {
              go.await();
              return loop(c, way, deadline[0]);
            };
        futures.add(pool.submit(task));
      }
      long start = System.nanoTime();
      deadline[0] = start + duration.toNanos();
      go.countDown(); // publishes deadline[0] to the waiting threads
      LongList latencies = new LongList();
      long count = 0;
      for (Future<Sample> f : futures) {
        Sample s = f.get();
        count += s.count;
        latencies.addAll(s.latencies);
      }
      return new Sample(
          count, System.nanoTime() - start, latencies, upstream.connections.get() - upstreamBefore);
    } finally {
      pool.shutdownNow();
      connections.forEach(HttpConnection::close);
    }
  }

  /** Sequential POSTs of {@code body} to {@code path} on one connection for {@code duration}. */
  static Sample posts(Way way, String path, byte[] body, Duration duration) throws IOException {
    try (HttpConnection c = HttpConnection.open(way, HOST)) {
      HttpConnection.Discard sink = new HttpConnection.Discard();
      LongList latencies = new LongList();
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      long now = start;
      long count = 0;
      while (now < deadline || count < 3) {
        long t = System.nanoTime();
        int status = c.post(HOST, path, way.authorization(), body.length, body, sink);
        now = System.nanoTime();
        if (status != 200) {
          throw new IOException(way.name() + ": " + path + " answered " + status);
        }
        latencies.add(now - t);
        count++;
      }
      return new Sample(count, now - start, latencies, 0);
    }
  }

  /** MB/s (10^6 bytes) of one download or upload on an open tunnel. */
  static double transfer(HttpConnection c, Way way, long bytes, boolean download, byte[] block)
      throws IOException {
    HttpConnection.Discard sink = new HttpConnection.Discard();
    long start = System.nanoTime();
    int status =
        download
            ? c.get(HOST, "/large?bytes=" + bytes, way.authorization(), sink)
            : c.post(HOST, "/upload", way.authorization(), bytes, block, sink);
    long elapsed = System.nanoTime() - start;
    if (status != 200 || (download && sink.bytes != bytes)) {
      throw new IOException(way.name() + ": status " + status + ", " + sink.bytes + " bytes");
    }
    return bytes / 1e6 / (elapsed / 1e9);
  }

  /** One event stream: time to the first event, to the last, and each event's latency. */
  record SseResult(long firstEventNanos, long totalNanos, SseSink sink) {}

  /** One event stream of {@code events} events of about {@code size} bytes on a new tunnel. */
  static SseResult sse(Way way, int events, int size, long gapMicros) throws IOException {
    try (HttpConnection c = HttpConnection.open(way, HOST)) {
      // One request first, as Claude Code's kept-alive connection has made before a turn: the
      // event stream then starts on a warm tunnel (for the proxies: a live upstream connection).
      c.get(HOST, "/small", way.authorization(), new HttpConnection.Discard());
      SseSink sink = new SseSink();
      long start = System.nanoTime();
      int status =
          c.get(
              HOST,
              "/sse?events=" + events + "&size=" + size + "&gapMicros=" + gapMicros,
              way.authorization(),
              sink);
      long end = System.nanoTime();
      if (status != 200 || sink.events != events) {
        throw new IOException(way.name() + ": status " + status + ", " + sink.events + " events");
      }
      return new SseResult(sink.firstEventAt - start, end - start, sink);
    }
  }

  /** Nanoseconds from dialing to the first response being read, on a fresh connection. */
  static long newTunnel(Way way, String host) throws IOException {
    long start = System.nanoTime();
    try (HttpConnection c = HttpConnection.open(way, host)) {
      int status = c.get(host, "/small", way.authorization(), new HttpConnection.Discard());
      long elapsed = System.nanoTime() - start;
      if (status != 200) {
        throw new IOException(way.name() + " " + host + ": status " + status);
      }
      return elapsed;
    }
  }

  /** Opens {@code count} tunnels, each with one request answered, using {@code threads} threads. */
  static List<HttpConnection> openMany(Way way, int count, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<HttpConnection>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            pool.submit(
                () -> {
                  HttpConnection c = HttpConnection.open(way, HOST);
                  c.get(HOST, "/small", way.authorization(), new HttpConnection.Discard());
                  return c;
                }));
      }
      List<HttpConnection> open = new ArrayList<>();
      Exception failure = null;
      for (Future<HttpConnection> f : futures) {
        try {
          open.add(f.get());
        } catch (Exception e) {
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        open.forEach(HttpConnection::close);
        throw failure;
      }
      return open;
    } finally {
      pool.shutdownNow();
    }
  }
}
