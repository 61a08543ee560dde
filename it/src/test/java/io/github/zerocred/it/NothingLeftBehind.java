package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Connects to the engine before each test and, after it (after the test's own {@code @AfterEach}
 * methods), fails the test if any container or network labelled by this JVM is left, then closes
 * the connection. Register with {@code @RegisterExtension}.
 */
final class NothingLeftBehind implements BeforeEachCallback, AfterEachCallback {
  private TestDocker docker;

  /** The engine, for the test that is running. */
  TestDocker docker() {
    return docker;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    docker = TestDocker.connect();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      assertThat(docker.labelledByThisJvm())
          .as("containers and networks left by this JVM")
          .isEmpty();
    } finally {
      docker.close();
      docker = null;
    }
  }
}
