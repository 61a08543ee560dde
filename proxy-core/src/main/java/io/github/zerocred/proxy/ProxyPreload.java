package io.github.zerocred.proxy;

import io.github.zerocred.proxy.audit.AuditLog;
import io.github.zerocred.proxy.policy.PriceTable;
import io.github.zerocred.proxy.tls.TlsImplementation;
import io.github.zerocred.proxy.tls.TlsProvider;
import io.github.zerocred.proxy.tls.UpstreamTls;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Loads, on a second thread, what {@link ZerocredProxy#start} needs that does not depend on the
 * run's configuration: the TLS stack (the native library, or the JDK's provider), the system trust
 * anchors, the JSON encoder of the audit log and the price table. A program that will start a proxy
 * calls {@link #start} first thing; a cold JVM then does that work while its main thread parses the
 * command line and makes the run's CA, instead of after, which on a machine with a second core is
 * most of a second of a standalone proxy's start (bench/RESULTS.md, workload 7).
 *
 * <p>Nothing here is kept for the run or shared with it but what the JVM itself caches: classes,
 * Netty's one-time probe of the native library, the JDK's cache of the system trust store. A
 * failure is ignored; the proxy's own start meets and reports it. The thread is a daemon; a program
 * that ends early (a usage error) still {@link #await}s it before exiting, because the native
 * library is unpacked into a temporary file that is deleted only once it is loaded.
 */
public final class ProxyPreload {
  private final CountDownLatch done = new CountDownLatch(1);

  private ProxyPreload() {}

  /**
   * Starts the preload.
   *
   * @param tls the stack the run is expected to use: {@link TlsImplementation#JDK} never loads the
   *     native library
   */
  public static ProxyPreload start(TlsImplementation tls) {
    ProxyPreload preload = new ProxyPreload();
    Thread thread = new Thread(() -> preload.run(tls), "zerocred-preload");
    thread.setDaemon(true);
    thread.start();
    return preload;
  }

  private void run(TlsImplementation tls) {
    try {
      TlsProvider provider = TlsProvider.select(tls);
      // The same context the proxy makes for its upstream connections, thrown away: it loads the
      // system trust store (which the JDK then caches) and the context's classes.
      UpstreamTls.create(List.of(), true, provider).close();
      AuditLog.preload();
      PriceTable.load();
    } catch (RuntimeException | LinkageError e) {
      // Only a preload: the proxy's own start does the same and reports what fails.
    } finally {
      done.countDown();
    }
  }

  /** Waits until the preload has finished: before the program exits, in tests, in measurements. */
  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }
}
