package io.github.zerocred.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Usage read from responses split at every possible place, as TLS records and reads split them. */
class UsageMeterTest {
  private static final String SSE =
      "event: message_start\r\n"
          + "data: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-haiku-4-5\","
          + "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":30,"
          + "\"cache_read_input_tokens\":40,\"cache_creation\":{\"ephemeral_1h_input_tokens\":10},"
          + "\"output_tokens\":1}}}\r\n\r\n"
          + "event: content_block_delta\n"
          + "data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"event: message_delta"
          + " data: {\\\"usage\\\":{\\\"output_tokens\\\":999999}}\"}}\n\n"
          + "event: message_delta\n"
          + "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":77}}\n\n";

  private static final String JSON =
      "{\"id\":\"m\",\"model\":\"claude-opus-4-1\",\"content\":[{\"type\":\"text\",\"text\":"
          + "\"usage: {\\\"input_tokens\\\": 5}\",\"usage\":{\"input_tokens\":999}}],"
          + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"cache_read_input_tokens\":5,"
          + "\"cache_creation\":{\"ephemeral_1h_input_tokens\":0}}}";

  @Test
  void sse_splitAnywhere_givesTheLastCumulativeUsage_andIgnoresLookalikeText() {
    assertEverySplitGives(
        "text/event-stream; charset=utf-8", SSE, new Usage("claude-haiku-4-5", 12, 77, 30, 10, 40));
  }

  @Test
  void json_splitAnywhere_readsOnlyTheTopLevelUsage() {
    assertEverySplitGives("application/json", JSON, new Usage("claude-opus-4-1", 3, 4, 0, 0, 5));
  }

  private static void assertEverySplitGives(String contentType, String text, Usage expected) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= bytes.length; split++) {
      UsageMeter meter = UsageMeter.forContentType(contentType);
      feed(meter, bytes, 0, split);
      feed(meter, bytes, split, bytes.length);
      assertThat(meter.finish()).as("split at %d", split).isEqualTo(expected);
    }
  }

  @Test
  void sse_usageEvent_keysInAnyOrder_oddNumbersIgnored_brokenEventsCountNothing() {
    String sse =
        // usage before the type, the model last
        "event: message_start\n"
            + "data: {\"message\":{\"usage\":{\"input_tokens\":5,\"output_tokens\":1},"
            + "\"model\":\"claude-opus-4-1\"},\"type\":\"message_start\"}\n\n"
            // a fraction is cut; a negative, a huge and a text value are not counted
            + "event: message_delta\n"
            + "data: {\"usage\":{\"output_tokens\":9.7,\"input_tokens\":-3,"
            + "\"cache_read_input_tokens\":123456789012345678901234567890,"
            + "\"cache_creation_input_tokens\":\"50\"},\"type\":\"message_delta\"}\n\n"
            // cut off: nothing from it
            + "event: message_delta\n"
            + "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":500\n\n"
            // usage nested deeper, or under an array, is not the event's
            + "event: message_delta\n"
            + "data: {\"type\":\"message_delta\",\"delta\":{\"usage\":{\"output_tokens\":600}},"
            + "\"usage\":[{\"output_tokens\":700}]}\n\n"
            // a model that is not text is not taken
            + "event: message_start\n"
            + "data: {\"type\":\"message_start\",\"message\":{\"model\":{\"x\":1}}}\n\n";
    assertEverySplitGives("text/event-stream", sse, new Usage("claude-opus-4-1", 5, 9, 0, 0, 0));
  }

  @Test
  void priceTable_readsPricesExactly_andRefusesATableItCannotRead() throws Exception {
    PriceTable t =
        PriceTable.parse(
            stream(
                "{\"date\":\"2025-01-01\",\"note\":{\"x\":[1]},\"models\":{\"m\":{"
                    + "\"input\":18.75,\"output\":75,\"cacheWrite5m\":0.30,"
                    + "\"cacheWrite1h\":1e1,\"cacheRead\":0.001}}}"));
    assertThat(t.priceOf("m")).isEqualTo(new PriceTable.Price(18750, 75000, 300, 10000, 1));
    assertThat(t.date()).isEqualTo("2025-01-01");
    for (String bad :
        List.of(
            "{\"date\":\"d\",\"models\":{}}",
            "{\"models\":{\"m\":{\"input\":1,\"output\":1,\"cacheWrite5m\":1,"
                + "\"cacheWrite1h\":1,\"cacheRead\":1}}}",
            "{\"date\":\"d\",\"models\":{\"m\":{\"input\":\"1\"}}}",
            "{\"date\":\"d\",\"models\":{\"m\":{\"input\":1}}}",
            "{\"date\":\"d\",\"models\":{\"m\":{\"input\":0.0001,\"output\":1,"
                + "\"cacheWrite5m\":1,\"cacheWrite1h\":1,\"cacheRead\":1}}}",
            "[]")) {
      assertThatThrownBy(() -> PriceTable.parse(stream(bad)))
          .as(bad)
          .isInstanceOfAny(IOException.class, ArithmeticException.class);
    }
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void hugeLine_isNotKept_andOtherContentTypesHaveNoMeter() {
    UsageMeter meter = UsageMeter.forContentType("text/event-stream");
    byte[] line =
        ("event: message_start\ndata: " + "x".repeat(UsageMeter.MAX_LINE * 2) + "\n\n")
            .getBytes(StandardCharsets.UTF_8);
    feed(meter, line, 0, line.length);
    assertThat(meter.finish().isEmpty()).isTrue();
    assertThat(UsageMeter.forContentType("text/plain")).isNull();
    assertThat(UsageMeter.forContentType(null)).isNull();
  }

  @Test
  void priceTable_unknownModelIsTheMostExpensive_andPrefixesMatchDatedNames() {
    PriceTable prices = PriceTable.load();
    assertThat(prices.priceOf("claude-sonnet-4-5-20250929"))
        .isEqualTo(prices.priceOf("claude-sonnet-4-5"));
    assertThat(prices.priceOf("claude-sonnet-4-20250514").input()).isEqualTo(3000);
    assertThat(prices.priceOf("claude-opus-4-5").output()).isEqualTo(25000);
    assertThat(prices.priceOf("claude-opus-4-1-20250805").output()).isEqualTo(75000);
    assertThat(prices.priceOf("gpt-5")).isEqualTo(prices.priceOf("claude-opus-4-1"));
    assertThat(prices.date()).matches("\\d{4}-\\d{2}-\\d{2}");
    // 10 one-hour cache writes at $2/M and 20 five-minute ones at $1.25/M (haiku 4.5)
    assertThat(prices.costNanos(new Usage("claude-haiku-4-5", 0, 0, 30, 10, 0), null))
        .isEqualTo(10 * 2000 + 20 * 1250);
  }

  private static void feed(UsageMeter meter, byte[] bytes, int from, int to) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes, from, to - from);
    try {
      meter.feed(buf);
    } finally {
      buf.release();
    }
  }
}
