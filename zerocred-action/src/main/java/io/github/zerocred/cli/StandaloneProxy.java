package io.github.zerocred.cli;

import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.proxy.ZerocredProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A running proxy plus the files {@code zerocred proxy} made for it: a private temporary folder
 * with the CA certificate, and the ready file. Closing stops the proxy and removes exactly those
 * files; a shutdown hook does the same if the JVM ends another way (SIGHUP, an error).
 */
final class StandaloneProxy implements AutoCloseable {
  static final String CA_FILE_NAME = "ca.pem";
  static final String DEFAULT_READY_FILE_NAME = "ready.json";

  private final Thread shutdownHook = new Thread(this::closeQuietly, "zerocred-cleanup");
  private final Path workDir;
  private Path readyFile;
  private Path caCertFile;
  private ZerocredProxy proxy;
  private boolean closed;

  private StandaloneProxy(Path workDir) {
    this.workDir = workDir;
  }

  /**
   * Starts the proxy and, once it listens, writes the CA file and then the ready file.
   *
   * @param readyFile where to write the ready file; {@code null} puts it in the private folder
   * @throws ZerocredException if anything fails; whatever was made is removed again
   */
  static StandaloneProxy start(ProxyConfig config, Path readyFile) {
    Path workDir;
    try {
      workDir = PrivateFiles.createTempDirectory("zerocred-proxy-");
    } catch (IOException e) {
      throw new ZerocredException("cannot create a temporary folder: " + e.getMessage(), e);
    }
    StandaloneProxy run = new StandaloneProxy(workDir);
    Runtime.getRuntime().addShutdownHook(run.shutdownHook);
    try {
      run.startIn(config, readyFile);
      return run;
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
  }

  private synchronized void startIn(ProxyConfig config, Path requestedReadyFile) {
    try {
      proxy = ZerocredProxy.start(config);
    } catch (ZerocredException e) {
      throw e;
    } catch (Exception e) {
      // A BindException gets past proxy-core unwrapped: Netty rethrows it without declaring it.
      throw new ZerocredException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
    Path ca = workDir.resolve(CA_FILE_NAME);
    try {
      PrivateFiles.writePublic(ca, proxy.caCertificatePem());
      caCertFile = ca;
    } catch (IOException e) {
      throw new ZerocredException("cannot write the CA certificate to " + ca + ": " + e, e);
    }
    Path ready =
        requestedReadyFile == null
            ? workDir.resolve(DEFAULT_READY_FILE_NAME)
            : requestedReadyFile.toAbsolutePath();
    try {
      ReadyFile.describe(proxy, ca).writeAtomically(ready);
      readyFile = ready;
    } catch (IOException e) {
      throw new ZerocredException("cannot write the ready file " + ready + ": " + e, e);
    }
  }

  synchronized ZerocredProxy proxy() {
    return proxy;
  }

  synchronized Path readyFile() {
    return readyFile;
  }

  synchronized Path caCertFile() {
    return caCertFile;
  }

  synchronized Path workDir() {
    return workDir;
  }

  /**
   * Removes the ready file first, so nobody picks up a proxy that is going away, then stops the
   * proxy and removes the CA file and the folder. A user-chosen audit log stays. Safe to call
   * twice.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    delete(readyFile, problems);
    if (proxy != null) {
      proxy.close();
    }
    delete(caCertFile, problems);
    delete(workDir, problems);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself, or while the JVM exits: nothing to unregister.
    }
    if (!problems.isEmpty()) {
      throw new ZerocredException("could not remove " + String.join(", ", problems));
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      // The JVM is exiting; there is nobody left to report to.
    }
  }

  private static void delete(Path path, List<String> problems) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      problems.add(path + " (" + e.getMessage() + ")");
    }
  }
}
