package io.github.zerocred.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;

class TlsWarmUpTest {

  @BothTlsStacks
  void warmUp_mintsEveryInterceptedHost_andCompletesARealHandshake(TlsImplementation impl) {
    try (InterceptionTls tls =
        new InterceptionTls(
            CertificateAuthority.create(
                Set.of("api.anthropic.com", "api.github.com"), Duration.ofHours(1), "warm"),
            TlsProvider.select(impl))) {

      TlsWarmUp.run(tls, Set.of("api.anthropic.com", "api.github.com"));

      assertThat(tls.hasContextFor("api.anthropic.com")).isTrue();
      assertThat(tls.hasContextFor("api.github.com")).isTrue();
    }
  }
}
