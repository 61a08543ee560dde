package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.ms;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Workload 9: a 1 MB Messages request body (Claude Code sends its whole context every turn), which
 * the proxy holds and parses before anything goes upstream. The same bytes posted to a path whose
 * body streams through unchecked give the cost of the check itself, as the difference.
 */
final class MessagesBodyCheck extends Workload {
  private static final int SIZE = 1_000_000;

  MessagesBodyCheck() {
    super(9);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    byte[] body = messagesBody(SIZE);
    Duration measure = bench.options().quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
    bench.say("workload 9: " + SIZE / 1_000_000 + " MB /v1/messages request bodies");
    Rounds messages =
        Rounds.interleaved(
            bench,
            way -> Traffic.posts(way, "/v1/messages", body, measure.dividedBy(2)),
            way -> Traffic.posts(way, "/v1/messages", body, measure));
    Rounds uploads =
        Rounds.interleaved(
            bench,
            way -> Traffic.posts(way, "/upload", body, measure.dividedBy(2)),
            way -> Traffic.posts(way, "/upload", body, measure));
    bench.row(
        number(),
        "1 MB Messages request: p50 latency (ms)",
        w -> ms(messages.stats().get(w).median()),
        null);
    bench.row(
        number(),
        "1 MB streamed upload, same bytes: p50 latency (ms)",
        w -> ms(uploads.stats().get(w).median()),
        null);
    bench.row(
        number(),
        "1 MB Messages request: cost of holding and checking the body, p50 (ms)",
        w -> ms(messages.stats().get(w).median()) - ms(uploads.stats().get(w).median()),
        null);
    bench.row(
        number(),
        "1 MB Messages request: proxy CPU per request (µs)",
        messages.cpu()::microsPerRequest,
        null);
  }

  /**
   * A Messages request of about {@code size} bytes shaped like Claude Code's: its top-level keys, a
   * dozen client tools, and a conversation whose text makes up the bulk.
   */
  static byte[] messagesBody(int size) {
    StringBuilder tools = new StringBuilder();
    for (int i = 0; i < 13; i++) {
      tools
          .append(i == 0 ? "" : ",")
          .append("{\"name\":\"Tool")
          .append(i)
          .append("\",\"description\":\"")
          .append("Does one thing well. ".repeat(40))
          .append("\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"path\":")
          .append("{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}},")
          .append("\"required\":[\"path\"]}}");
    }
    String head =
        "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":32000,\"stream\":false,"
            + "\"system\":[{\"type\":\"text\",\"text\":\"You are Claude Code.\"}],"
            + "\"metadata\":{\"user_id\":\"bench\"},\"thinking\":{\"type\":\"disabled\"},"
            + "\"context_management\":{\"edits\":[]},\"output_config\":{},"
            + "\"tools\":["
            + tools
            + "],\"messages\":[";
    StringBuilder b = new StringBuilder(size + 1024).append(head);
    String line = "    return a / b; // src/main/java/Example.java: a line of the context\\n";
    int turn = 0;
    while (b.length() < size - 200) {
      b.append(turn == 0 ? "" : ",")
          .append("{\"role\":\"")
          .append(turn % 2 == 0 ? "user" : "assistant")
          .append("\",\"content\":[{\"type\":\"text\",\"text\":\"");
      for (int i = 0; i < 200 && b.length() < size - 200; i++) {
        b.append(line);
      }
      b.append("\"}]}");
      turn++;
    }
    if (turn % 2 == 0) {
      b.append(",{\"role\":\"user\",\"content\":\"Review it.\"}");
    }
    b.append("]}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
