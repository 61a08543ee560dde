package io.github.zerocred.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RunningContainerTest} under gVisor ({@code runsc}): the same assertions hold — only the
 * placeholder inside, only the proxy reachable (the host firewall rules sit on the bridge, outside
 * the sandbox), nothing left behind.
 */
class GVisorRunningContainerTest extends RunningContainerTest {
  @BeforeAll
  static void gvisor() throws Exception {
    GVisor.requireRegistered();
  }

  @Override
  String runtime() {
    return GVisor.RUNTIME;
  }
}
