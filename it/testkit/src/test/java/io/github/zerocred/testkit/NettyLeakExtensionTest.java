package io.github.zerocred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

class NettyLeakExtensionTest {

  private static final String SELF_TEST = "zerocred.testkit.leakSelfTest";
  private static ResourceLeakDetector.Level previousLevel;

  @BeforeAll
  static void trackEveryBuffer() {
    // An IDE run may lack the build's paranoid level; sampling could then miss the one leak.
    previousLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterAll
  static void restoreLevel() {
    ResourceLeakDetector.setLevel(previousLevel);
  }

  @Test
  void testThatLeaksABuffer_failsWithTheLeakRecord() {
    Events tests = runInner(LeakingTests.class);

    tests.assertStatistics(stats -> stats.started(1).failed(1).succeeded(0));
    Event failed = tests.failed().stream().findFirst().orElseThrow();
    Throwable cause =
        failed
            .getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
            .orElseThrow();
    assertThat(cause)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Netty reported")
        .hasMessageContaining("LEAK: ByteBuf.release() was not called")
        // Paranoid records name the method that touched the buffer last.
        .hasMessageContaining("leakOneBuffer");
  }

  @Test
  void testsThatReleaseEverything_pass() {
    Events tests = runInner(CleanTests.class);

    tests.assertStatistics(stats -> stats.started(2).succeeded(2).failed(0));
  }

  @Test
  void extensionIsAutodetected_forThisModulesOwnTests() {
    // This class does not say @ExtendWith: the recording factory is in place only because the
    // service file and junit-platform.properties registered the extension.
    assertThat(ResourceLeakDetectorFactory.instance()).isSameAs(LeakRecorder.INSTANCE);
    ByteBufAllocator.DEFAULT.buffer(1).release(); // makes sure Netty's buffer classes are loaded
    assertThat(LeakRecorder.INSTANCE.recordsBufferLeaks()).isTrue();
  }

  private static Events runInner(Class<?> testClass) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(SELF_TEST, "true")
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
        .selectors(selectClass(testClass))
        .execute()
        .testEvents();
  }

  /** Lets the inner classes run only inside {@link EngineTestKit}, not in the build's own run. */
  static final class OnlyInSelfTest implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<String> selfTest = context.getConfigurationParameter(SELF_TEST);
      return selfTest.isPresent()
          ? ConditionEvaluationResult.enabled("run by NettyLeakExtensionTest")
          : ConditionEvaluationResult.disabled("only run by NettyLeakExtensionTest");
    }
  }

  @ExtendWith(OnlyInSelfTest.class)
  static class LeakingTests {
    @Test
    void leakOneBuffer() {
      ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(16);
      leaked.writeBytes("never released".getBytes(StandardCharsets.UTF_8));
      // Dropped here without release(): the extension must fail this test.
    }
  }

  @ExtendWith(OnlyInSelfTest.class)
  static class CleanTests {
    @Test
    void releasedBuffer() {
      ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
      buffer.writeInt(42);
      assertThat(buffer.release()).isTrue();
    }

    @Test
    void embeddedChannelFinishedAndReleased() {
      EmbeddedChannel channel = new EmbeddedChannel();
      channel.writeInbound(ByteBufAllocator.DEFAULT.buffer(4).writeInt(1));
      assertThat(channel.finishAndReleaseAll()).isTrue();
    }
  }
}
