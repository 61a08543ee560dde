package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.fail;

import java.util.Map;

/** The gVisor variants' precondition: the engine has {@code runsc} registered, else they fail. */
final class GVisor {
  static final String RUNTIME = "runsc";

  private GVisor() {}

  /** Fails, saying how to register gVisor, when the engine does not list {@code runsc}. */
  static void requireRegistered() throws java.io.IOException {
    try (TestDocker docker = TestDocker.connect()) {
      Map<String, ?> runtimes = docker.client().infoCmd().exec().getRuntimes();
      if (runtimes == null || !runtimes.containsKey(RUNTIME)) {
        fail(
            "These tests run Claude Code under gVisor, and the Docker engine lists no runtime "
                + RUNTIME
                + " (it has "
                + (runtimes == null ? "none" : runtimes.keySet())
                + "): run `bash -c 'source .ci/lib/docker-engine.sh && zerocred_ensure_runsc'` as"
                + " root (it/run-tests.sh does)");
      }
    }
  }
}
