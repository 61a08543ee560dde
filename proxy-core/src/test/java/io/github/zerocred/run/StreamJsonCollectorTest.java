package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamJsonCollectorTest {
  private final List<RunEvent> events = new ArrayList<>();
  private final StreamJsonCollector collector = new StreamJsonCollector("run-1", events::add);

  @Test
  void streamOfATwoTurnRun_becomesProgressEventsAndAResult() {
    collector.stdoutLine(
        "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s-1\",\"model\":\"m\"}");
    // One assistant message arrives as two events (one per block): one turn, usage once.
    collector.stdoutLine(
        "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"Let me look.\"}],\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
    collector.stdoutLine(
        "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_1\",\"content\":[{\"type\":\"tool_use\","
            + "\"id\":\"tu_1\",\"name\":\"Read\",\"input\":{}}],"
            + "\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}}");
    collector.stdoutLine("{\"type\":\"user\",\"message\":{\"content\":[]}}");
    collector.stdoutLine(
        "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_2\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"Done.\"}],\"usage\":{\"input_tokens\":20,\"output_tokens\":2,"
            + "\"cache_read_input_tokens\":7}}}");
    collector.stdoutLine("not json at all");
    collector.stdoutLine(
        "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"Done.\","
            + "\"session_id\":\"s-1\",\"num_turns\":2}");

    assertThat(events)
        .filteredOn(RunEvent.Turn.class::isInstance)
        .extracting(e -> ((RunEvent.Turn) e).number())
        .containsExactly(1, 2);
    assertThat(events)
        .filteredOn(RunEvent.ToolUsed.class::isInstance)
        .singleElement()
        .isEqualTo(new RunEvent.ToolUsed("run-1", 1, "Read"));
    assertThat(events.get(0)).isEqualTo(new RunEvent.SessionStarted("run-1", "s-1", "m"));
    assertThat(collector.tokensSoFar()).isEqualTo(new TokenUsage(30, 7, 0, 7));
    assertThat(collector.partialOutput()).isEqualTo("Let me look.\nDone.");
    assertThat(collector.result()).isPresent();
    assertThat(collector.sessionId()).contains("s-1");
    assertThat(collector.otherStdoutTail()).isEqualTo("not json at all");
  }

  @Test
  void lineSplitter_joinsChunksAndMultibyteCharactersSplitAnywhere() {
    List<String> lines = new ArrayList<>();
    LineSplitter splitter = new LineSplitter(1024, lines::add);
    byte[] bytes = "één\r\ntwee\ndrie".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      splitter.accept(new byte[] {b});
    }
    splitter.flush();

    assertThat(lines).containsExactly("één", "twee", "drie");
  }

  @Test
  void lineSplitter_cutsOverlongLines() {
    List<String> lines = new ArrayList<>();
    LineSplitter splitter = new LineSplitter(4, lines::add);
    splitter.accept("abcdefgh\nxy\n".getBytes(StandardCharsets.US_ASCII));

    assertThat(lines).containsExactly("abcd", "xy");
  }

  @Test
  void hugeUniqueIds_areKeptAsDigests_inBoundedSets_whileEveryTurnAndTokenCounts() {
    String huge = "i".repeat(1_000_000);
    for (int i = 0; i < 1000; i++) {
      collector.stdoutLine(
          "{\"type\":\"assistant\",\"message\":{\"id\":\""
              + huge
              + i
              + "\",\"content\":[{\"type\":\"tool_use\",\"id\":\""
              + huge
              + "t"
              + i
              + "\",\"name\":\""
              + "n".repeat(10_000)
              + "\"}],\"usage\":{\"output_tokens\":1}}}");
    }
    assertThat(collector.turns()).isEqualTo(1000);
    assertThat(collector.tokensSoFar().outputTokens()).isEqualTo(1000);
    assertThat(events)
        .filteredOn(RunEvent.ToolUsed.class::isInstance)
        .hasSize(1000)
        .allSatisfy(
            e ->
                assertThat(((RunEvent.ToolUsed) e).tool())
                    .hasSizeLessThanOrEqualTo(StreamJsonCollector.MAX_NAME_CHARS + 1));
    assertThat(StreamJsonCollector.id(huge)).startsWith("sha256:").hasSize(71);
    assertThat(StreamJsonCollector.id("msg_01abc")).isEqualTo("msg_01abc");
  }

  @Test
  void oneMessageInSeveralEvents_stillCountsOnce_afterManyOthers() {
    for (int i = 0; i < 600; i++) {
      String line =
          "{\"type\":\"assistant\",\"message\":{\"id\":\"m"
              + i
              + "\",\"content\":[],\"usage\":{\"output_tokens\":2}}}";
      collector.stdoutLine(line);
      collector.stdoutLine(line); // the same message again: no new turn, usage replaced
    }
    assertThat(collector.turns()).isEqualTo(600);
    assertThat(collector.tokensSoFar().outputTokens()).isEqualTo(1200);
  }

  @Test
  void anErrorWhileHandlingALine_endsTheStreamAtOnce_andIsKept() throws Exception {
    StreamJsonCollector failing =
        new StreamJsonCollector(
            "run-1",
            event -> {
              throw new OutOfMemoryError("test");
            });
    LogFollower follower = new LogFollower(failing, 1024);
    follower.onNext(
        new com.github.dockerjava.api.model.Frame(
            com.github.dockerjava.api.model.StreamType.STDOUT,
            "{\"type\":\"system\",\"subtype\":\"init\"}\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(follower.await(10)).isTrue();
    assertThat(follower.fatal()).isInstanceOf(OutOfMemoryError.class);
  }
}
