package io.github.zerocred.proxy.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the {@code usage} of a Messages response while it streams past, without holding the body:
 * for server-sent events it keeps only the current {@code message_start} or {@code message_delta}
 * line (bounded), for JSON it runs a non-blocking parser over the bytes and keeps only the few
 * values it needs. Usage figures are cumulative, so the last one seen wins.
 */
public final class UsageMeter {
  // Streaming only: the proxy's request path never loads jackson-databind (see AuditLog).
  private static final JsonFactory FACTORY = new JsonFactory();

  /** A usage event is a few hundred bytes; a longer line is not one, and is not kept. */
  static final int MAX_LINE = 64 * 1024;

  private final boolean sse;
  private String model;
  private long input;
  private long output;
  private long cacheWrite;
  private long cacheWrite1h;
  private long cacheRead;
  private boolean broken;

  // Server-sent events.
  private byte[] line = new byte[512];
  private int lineLength;
  private boolean atLineStart = true;
  private boolean capturing;
  private boolean overflow;
  private String event = "";

  // JSON.
  private JsonParser parser;
  private int depth;
  private final String[] names = new String[4];

  private UsageMeter(boolean sse) {
    this.sse = sse;
  }

  /** A meter for a response with this {@code Content-Type}, or {@code null} if it has no usage. */
  public static UsageMeter forContentType(String contentType) {
    if (contentType == null) {
      return null;
    }
    String ct = contentType.toLowerCase(Locale.ROOT);
    if (ct.startsWith("text/event-stream")) {
      return new UsageMeter(true);
    }
    if (ct.startsWith("application/json")) {
      return new UsageMeter(false);
    }
    return null;
  }

  /** Reads what {@code buf} holds between its indexes; does not move them or keep the buffer. */
  public void feed(ByteBuf buf) {
    if (broken || !buf.isReadable()) {
      return;
    }
    if (sse) {
      feedSse(buf);
    } else {
      feedJson(ByteBufUtil.getBytes(buf));
    }
  }

  /** The usage seen so far; call when the response ended, completely or not. */
  public Usage finish() {
    if (!sse && parser != null && !broken) {
      ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).endOfInput();
      drainJson();
    }
    return new Usage(model, input, output, cacheWrite, cacheWrite1h, cacheRead);
  }

  // ------------------------------------------------------------------ server-sent events

  private void feedSse(ByteBuf buf) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i < end) {
      if (atLineStart) {
        byte first = buf.getByte(i);
        // Event lines are short; data lines matter only under a usage-carrying event.
        capturing =
            first == 'e'
                || (first == 'd'
                    && (event.equals("message_start") || event.equals("message_delta")));
        if (first == '\n' || first == '\r') {
          event = ""; // a blank line dispatches the event
        }
        atLineStart = false;
        lineLength = 0;
        overflow = false;
      }
      int lf = buf.indexOf(i, end, (byte) '\n');
      int stop = lf < 0 ? end : lf;
      if (capturing) {
        append(buf, i, stop - i);
      }
      if (lf < 0) {
        return;
      }
      if (capturing && !overflow) {
        endOfLine();
      }
      atLineStart = true;
      i = lf + 1;
    }
  }

  private void append(ByteBuf buf, int from, int n) {
    if (overflow || n == 0) {
      return;
    }
    if (lineLength + n > MAX_LINE) {
      overflow = true;
      return;
    }
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, lineLength + n)));
    }
    buf.getBytes(from, line, lineLength, n);
    lineLength += n;
  }

  private void endOfLine() {
    int n = lineLength;
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    String text = new String(line, 0, n, StandardCharsets.UTF_8);
    if (text.startsWith("event:")) {
      event = text.substring(6).strip();
    } else if (text.startsWith("data:")) {
      try {
        usageEvent(text.substring(5));
      } catch (IOException e) {
        // Not the usage event it claimed to be: nothing to count from it.
      }
    }
    if (line.length > 4096) {
      line = new byte[512]; // do not keep a large buffer for the rest of a long stream
    }
  }

  /**
   * Takes the model and usage of one {@code message_start} ({@code message.model}, {@code
   * message.usage}) or {@code message_delta} ({@code usage}) event, whichever order its keys come
   * in. Nothing is taken from an event that is not one JSON object to its end.
   */
  private void usageEvent(String json) throws IOException {
    String type = null;
    String eventModel = null;
    // Usage figures found under message.usage (index 0) and under usage (index 1).
    long[][] found = new long[2][];
    String[] names = new String[5];
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      int depth = 1;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw new IOException("truncated");
        }
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            depth++;
            if (depth < names.length) {
              names[depth] = null;
            }
          }
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> {
            if (depth < names.length) {
              names[depth] = p.currentName();
            }
          }
          case VALUE_STRING -> {
            if (depth == 1 && "type".equals(names[1])) {
              type = p.getText();
            } else if (depth == 2 && "message".equals(names[1]) && "model".equals(names[2])) {
              eventModel = p.getText();
            }
          }
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
            long v = count(p);
            if (v >= 0 && depth < names.length) {
              if ("message".equals(names[1]) && "usage".equals(names[2])) {
                usageField(found, 0, names, 3, depth, v);
              } else if ("usage".equals(names[1])) {
                usageField(found, 1, names, 2, depth, v);
              }
            }
          }
          default -> {}
        }
      }
    }
    if ("message_start".equals(type)) {
      if (eventModel != null) {
        model = eventModel;
      }
      takeUsage(found[0]);
    } else if ("message_delta".equals(type)) {
      takeUsage(found[1]);
    }
  }

  /** The five usage figures, in the order {@link #takeUsage} reads them; -1 where absent. */
  private static void usageField(
      long[][] found, int which, String[] names, int level, int depth, long v) {
    int index = -1;
    if (depth == level) {
      index =
          switch (names[level] == null ? "" : names[level]) {
            case "input_tokens" -> 0;
            case "output_tokens" -> 1;
            case "cache_creation_input_tokens" -> 2;
            case "cache_read_input_tokens" -> 3;
            default -> -1;
          };
    } else if (depth == level + 1
        && "cache_creation".equals(names[level])
        && "ephemeral_1h_input_tokens".equals(names[level + 1])) {
      index = 4;
    }
    if (index >= 0) {
      if (found[which] == null) {
        found[which] = new long[] {-1, -1, -1, -1, -1};
      }
      found[which][index] = v;
    }
  }

  /** A whole number that fits a long (a fraction is cut, as before), else -1: not counted. */
  private static long count(JsonParser p) throws IOException {
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL) {
      return -1;
    }
    if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return d >= 0 && d < 0x1p63 ? (long) d : -1;
    }
    return p.getLongValue();
  }

  private void takeUsage(long[] usage) {
    if (usage == null) {
      return;
    }
    input = usage[0] >= 0 ? usage[0] : input;
    output = usage[1] >= 0 ? usage[1] : output;
    cacheWrite = usage[2] >= 0 ? usage[2] : cacheWrite;
    cacheRead = usage[3] >= 0 ? usage[3] : cacheRead;
    cacheWrite1h = usage[4] >= 0 ? usage[4] : cacheWrite1h;
  }

  // ------------------------------------------------------------------ JSON

  private void feedJson(byte[] bytes) {
    try {
      if (parser == null) {
        parser = FACTORY.createNonBlockingByteArrayParser();
      }
      ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(bytes, 0, bytes.length);
    } catch (IOException e) {
      broken = true;
      return;
    }
    drainJson();
  }

  private void drainJson() {
    try {
      JsonToken t;
      while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            depth++;
            if (depth < names.length) {
              names[depth] = null; // arrays have no names; objects set one per field
            }
          }
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> {
            if (depth < names.length) {
              names[depth] = parser.currentName();
            }
          }
          case VALUE_STRING -> {
            if (depth == 1 && "model".equals(names[1])) {
              model = parser.getText();
            }
          }
          case VALUE_NUMBER_INT -> jsonNumber(parser.getLongValue());
          default -> {}
        }
      }
    } catch (IOException e) {
      broken = true;
    }
  }

  private void jsonNumber(long v) {
    if (v < 0 || depth < 2 || depth > 3 || !"usage".equals(names[1])) {
      return;
    }
    if (depth == 2) {
      switch (names[2] == null ? "" : names[2]) {
        case "input_tokens" -> input = v;
        case "output_tokens" -> output = v;
        case "cache_creation_input_tokens" -> cacheWrite = v;
        case "cache_read_input_tokens" -> cacheRead = v;
        default -> {}
      }
    } else if ("cache_creation".equals(names[2]) && "ephemeral_1h_input_tokens".equals(names[3])) {
      cacheWrite1h = v;
    }
  }
}
