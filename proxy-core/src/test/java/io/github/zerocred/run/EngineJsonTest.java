package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineJsonTest {
  @Test
  void labelFilter_isTheEnginesJsonFilter_urlEncoded() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Owner.MANAGED, "true");
    labels.put(Owner.RUN, "a b&c");

    String filter = EngineJson.labelFilter(labels);

    assertThat(filter).doesNotContain(" ", "&", "\"", "{");
    assertThat(URLDecoder.decode(filter, StandardCharsets.UTF_8))
        .isEqualTo("{\"label\":[\"zerocred.managed=true\",\"zerocred.run=a b&c\"]}");
  }

  @Test
  void anOwnerLabelThatIsNoContainerName_isNeverPutInAPath_andCountsAsGone() {
    // The engine is never asked: no client is needed to tell these are no names.
    for (String hostile : new String[] {"../info", "..", "a/b", "x?all=1", "", " id", "a\nb"}) {
      assertThat(EngineJson.isName(hostile)).as(hostile).isFalse();
      assertThat(EngineJson.container(null, hostile)).as(hostile).isEmpty();
      assertThat(EngineJson.network(null, hostile)).as(hostile).isEmpty();
    }
    assertThat(EngineJson.isName("0123456789abcdef0123456789abcdef")).isTrue();
    assertThat(EngineJson.isName("zerocred-4f0c2b1e-aa.b_c")).isTrue();
  }
}
