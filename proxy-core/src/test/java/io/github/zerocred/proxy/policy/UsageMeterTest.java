package io.github.zerocred.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
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
