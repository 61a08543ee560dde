package io.github.zerocred.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link ResourceLeakDetectorFactory} whose detectors keep every leak report so a test can fail
 * on it, rather than only logging it where nobody looks.
 */
final class LeakRecorder extends ResourceLeakDetectorFactory {

  // One per JVM because Netty's factory is one per JVM: detectors are created into static fields
  // of Netty's classes, so the factory cannot be scoped to a test.
  static final LeakRecorder INSTANCE = new LeakRecorder();

  private final Queue<String> leaks = new ConcurrentLinkedQueue<>();
  private final Set<Class<?>> detectedTypes = ConcurrentHashMap.newKeySet();
  private volatile boolean installed;

  private LeakRecorder() {}

  /** Makes this the factory of every detector Netty creates from now on (idempotent). */
  synchronized void install() {
    if (!installed) {
      ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(this);
      installed = true;
    }
  }

  /**
   * Whether the buffer leak detector came from this factory. False when Netty's buffers were used
   * before {@link #install()}: their detector is then Netty's default, which only logs.
   */
  boolean recordsBufferLeaks() {
    return detectedTypes.contains(ByteBuf.class);
  }

  /** Removes and returns the reports collected so far. */
  List<String> drain() {
    List<String> drained = new ArrayList<>();
    String leak;
    while ((leak = leaks.poll()) != null) {
      drained.add(leak);
    }
    return drained;
  }

  @Override
  public <T> ResourceLeakDetector<T> newResourceLeakDetector(
      Class<T> resource, int samplingInterval, long maxActive) {
    return newResourceLeakDetector(resource, samplingInterval);
  }

  @Override
  public <T> ResourceLeakDetector<T> newResourceLeakDetector(
      Class<T> resource, int samplingInterval) {
    detectedTypes.add(resource);
    return new RecordingDetector<>(resource, samplingInterval, leaks);
  }

  /** A detector that records its reports, then logs them as Netty would. */
  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    private final Queue<String> leaks;

    RecordingDetector(Class<T> resource, int samplingInterval, Queue<String> leaks) {
      super(resource, samplingInterval);
      this.leaks = leaks;
    }

    @Override
    protected boolean needReport() {
      // Netty reports only when its logger is at ERROR; a module logging through slf4j-nop would
      // otherwise never see a leak.
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      leaks.add(
          "LEAK: "
              + resourceType
              + ".release() was not called before it was garbage-collected."
              + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      leaks.add(
          "LEAK: "
              + resourceType
              + ".release() was not called before it was garbage-collected"
              + " (no access records: raise -Dio.netty.leakDetection.level to paranoid).");
      super.reportUntracedLeak(resourceType);
    }

    @Override
    protected void reportInstancesLeak(String resourceType) {
      leaks.add("LEAK: too many live instances of " + resourceType + " (they are not closed).");
      super.reportInstancesLeak(resourceType);
    }
  }
}
