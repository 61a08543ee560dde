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
}
