package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DockerEngineTest {

  @Test
  void pathSegment_keepsAnImageNameAsTheCliSendsIt() {
    assertThat(DockerEngine.pathSegment("ghcr.io/acme/runner:1.2"))
        .isEqualTo("ghcr.io/acme/runner:1.2");
    assertThat(DockerEngine.pathSegment("runner@sha256:0a1b")).isEqualTo("runner@sha256:0a1b");
  }

  @Test
  void pathSegment_escapesWhatCouldEndThePathOrStartAQuery() {
    assertThat(DockerEngine.pathSegment("a?b#c d%e\r\nf")).isEqualTo("a%3Fb%23c%20d%25e%0D%0Af");
    assertThat(DockerEngine.pathSegment("é")).isEqualTo("%C3%A9");
  }
}
