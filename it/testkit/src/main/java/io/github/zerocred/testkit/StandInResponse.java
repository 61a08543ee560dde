package io.github.zerocred.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link StandInServer} answers: an immutable status, headers and a body strategy. Bodies
 * are written with backpressure and never materialised beyond what the factory was given.
 */
public final class StandInResponse {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final Body body;
  private String reasonPhrase;

  private StandInResponse(int status, List<Map.Entry<String, String>> headers, Body body) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be a three-digit HTTP status: " + status);
    }
    this.status = status;
    this.headers = List.copyOf(headers);
    this.body = body;
  }

  private static StandInResponse of(int status, Body body) {
    return new StandInResponse(status, List.of(), body);
  }

  /** A JSON body ({@code application/json}). */
  public static StandInResponse json(int status, String json) {
    return bytes(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** A plain-text body ({@code text/plain; charset=utf-8}). */
  public static StandInResponse text(int status, String text) {
    return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  /** A body of the given bytes and content type, sent with {@code Content-Length}. */
  public static StandInResponse bytes(int status, String contentType, byte[] body) {
    Objects.requireNonNull(contentType, "contentType");
    return of(status, new FixedBody(contentType, body.clone()));
  }

  /** An empty body with {@code Content-Length: 0}. */
  public static StandInResponse status(int status) {
    return of(status, new FixedBody(null, new byte[0]));
  }

  /**
   * 200 with a JSON object describing the request: {@code method}, {@code uri}, {@code path},
   * {@code headers} (lower-case name to array of all values), {@code body} (UTF-8) and {@code
   * bodyLength}.
   */
  public static StandInResponse echo() {
    return of(200, new EchoBody());
  }

  /**
   * 200 {@code text/event-stream}, chunked: each pre-formatted event (e.g. {@code "event:
   * ping\ndata: {}\n\n"}) is its own chunk, flushed alone, with {@code gap} between events.
   */
  public static StandInResponse sse(List<String> events, Duration gap) {
    return of(200, new SseBody(List.copyOf(events), gap, null, List.of()));
  }

  /**
   * Like {@link #sse} without gaps, but only {@code first} is sent until {@code release} completes;
   * then {@code rest} follows. Proves streaming without timing races.
   */
  public static StandInResponse sseHeld(
      List<String> first, CompletableFuture<Void> release, List<String> rest) {
    Objects.requireNonNull(release, "release");
    return of(200, new SseBody(List.copyOf(first), Duration.ZERO, release, List.copyOf(rest)));
  }

  /**
   * 200 {@code application/octet-stream} with {@code Content-Length: length}, body generated from
   * {@code seed} while it is written, at the pace the client reads.
   */
  public static StandInResponse large(long length, long seed) {
    return large(length, seed, new AtomicLong());
  }

  /**
   * Like {@link #large(long, long)}, and counts into {@code generated} the body bytes generated so
   * far: since they are generated only while the connection is writable, how far a reader that
   * stops reading lets the sender get.
   */
  public static StandInResponse large(long length, long seed, AtomicLong generated) {
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative: " + length);
    }
    return of(200, new LargeBody(length, seed, generated));
  }

  /** Lower-case hex SHA-256 of the body {@link #large(long, long)} sends for these arguments. */
  public static String expectedSha256(long length, long seed) {
    MessageDigest digest = sha256();
    SeededBytes bytes = new SeededBytes(length, seed);
    byte[] block = new byte[64 * 1024];
    while (bytes.remaining() > 0) {
      int count = (int) Math.min(block.length, bytes.remaining());
      bytes.writeTo(block, count);
      digest.update(block, 0, count);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * 200 {@code text/plain}, {@code Transfer-Encoding: chunked}, one HTTP chunk per element (each
   * flushed alone). Empty elements are skipped: an empty chunk would end the body.
   */
  public static StandInResponse chunkedText(List<String> chunks) {
    return of(200, new ChunkedTextBody(List.copyOf(chunks)));
  }

  /** Drops the TCP connection without sending anything. */
  public static StandInResponse closeConnection() {
    return of(502, CloseBody.INSTANCE);
  }

  /** A copy of this response with one more header (added, not replacing one of the same name). */
  public StandInResponse header(String name, String value) {
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(
        new SimpleImmutableEntry<>(
            Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
    StandInResponse r = new StandInResponse(status, more, body);
    r.reasonPhrase = reasonPhrase;
    return r;
  }

  /** The same response with this reason phrase in the status line instead of the standard one. */
  public StandInResponse reason(String phrase) {
    StandInResponse r = new StandInResponse(status, headers, body);
    r.reasonPhrase = Objects.requireNonNull(phrase, "phrase");
    return r;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  boolean closesConnection() {
    return body == CloseBody.INSTANCE;
  }

  /**
   * Writes this response through {@code ctx}; the returned future completes when its last byte was
   * written, or fails when the connection broke first.
   */
  ChannelFuture writeTo(ChannelHandlerContext ctx, RecordedRequest request, boolean keepAlive) {
    HttpResponse head =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1,
            reasonPhrase == null
                ? HttpResponseStatus.valueOf(status)
                : new HttpResponseStatus(status, reasonPhrase));
    for (Map.Entry<String, String> header : headers) {
      head.headers().add(header.getKey(), header.getValue());
    }
    HttpUtil.setKeepAlive(head, keepAlive);
    return body.writeTo(ctx, head, request);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** How a body is put on the wire after the status line and headers. */
  private interface Body {
    ChannelFuture writeTo(ChannelHandlerContext ctx, HttpResponse head, RecordedRequest request);
  }

  private static final class FixedBody implements Body {
    private final String contentType;
    private final byte[] content;

    FixedBody(String contentType, byte[] content) {
      this.contentType = contentType;
      this.content = content;
    }

    @Override
    public ChannelFuture writeTo(
        ChannelHandlerContext ctx, HttpResponse head, RecordedRequest request) {
      return writeFull(ctx, head, contentType, content);
    }
  }

  private static ChannelFuture writeFull(
      ChannelHandlerContext ctx, HttpResponse head, String contentType, byte[] content) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            head.protocolVersion(), head.status(), Unpooled.wrappedBuffer(content));
    response.headers().set(head.headers());
    if (contentType != null && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    HttpUtil.setContentLength(response, content.length);
    return ctx.writeAndFlush(response);
  }

  private static final class EchoBody implements Body {
    @Override
    public ChannelFuture writeTo(
        ChannelHandlerContext ctx, HttpResponse head, RecordedRequest request) {
      ObjectNode echo = JSON.createObjectNode();
      echo.put("method", request.method());
      echo.put("uri", request.uri());
      echo.put("path", request.path());
      ObjectNode headers = echo.putObject("headers");
      for (Map.Entry<String, String> header : request.headers().entries()) {
        String name = header.getKey().toLowerCase(Locale.ROOT);
        ArrayNode values =
            headers.has(name) ? (ArrayNode) headers.get(name) : headers.putArray(name);
        values.add(header.getValue());
      }
      echo.put("body", request.bodyAsString());
      echo.put("bodyLength", request.bodyLength());
      echo.put("bodySha256", request.bodySha256());
      byte[] content;
      try {
        content = JSON.writeValueAsBytes(echo);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      return writeFull(ctx, head, "application/json", content);
    }
  }

  private static final class SseBody implements Body {
    private final List<String> first;
    private final Duration gap;
    private final CompletableFuture<Void> release;
    private final List<String> rest;

    SseBody(List<String> first, Duration gap, CompletableFuture<Void> release, List<String> rest) {
      if (gap.isNegative()) {
        throw new IllegalArgumentException("gap must not be negative: " + gap);
      }
      this.first = first;
      this.gap = gap;
      this.release = release;
      this.rest = rest;
    }

    @Override
    public ChannelFuture writeTo(
        ChannelHandlerContext ctx, HttpResponse head, RecordedRequest request) {
      if (!head.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      }
      head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
      HttpUtil.setTransferEncodingChunked(head, true);
      ChannelPromise done = ctx.newPromise();
      ctx.writeAndFlush(head)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      writeEvents(ctx, first, 0, Duration.ZERO, done, () -> afterFirst(ctx, done));
                    } else {
                      done.tryFailure(f.cause());
                    }
                  });
      return done;
    }

    private void afterFirst(ChannelHandlerContext ctx, ChannelPromise done) {
      if (release == null) {
        finish(ctx, done);
        return;
      }
      release.whenComplete(
          (ignored, error) -> {
            try {
              // The test completes the future on its own thread; hop back to the event loop.
              ctx.executor()
                  .execute(() -> writeEvents(ctx, rest, 0, gap, done, () -> finish(ctx, done)));
            } catch (RejectedExecutionException e) {
              done.tryFailure(e); // the server was closed while the response was held
            }
          });
    }

    private void writeEvents(
        ChannelHandlerContext ctx,
        List<String> events,
        int index,
        Duration delay,
        ChannelPromise done,
        Runnable then) {
      if (index == events.size()) {
        then.run();
        return;
      }
      if (!ctx.channel().isActive()) {
        done.tryFailure(new IllegalStateException("client went away during the event stream"));
        return;
      }
      Runnable write =
          () ->
              ctx.writeAndFlush(
                      new DefaultHttpContent(
                          Unpooled.copiedBuffer(events.get(index), StandardCharsets.UTF_8)))
                  .addListener(
                      (ChannelFutureListener)
                          f -> {
                            if (f.isSuccess()) {
                              writeEvents(ctx, events, index + 1, gap, done, then);
                            } else {
                              done.tryFailure(f.cause());
                            }
                          });
      if (delay.isZero()) {
        write.run();
      } else {
        try {
          // Scheduled, not slept: the event loop keeps serving other connections meanwhile.
          ctx.executor().schedule(write, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          done.tryFailure(e); // the server is shutting down
        }
      }
    }

    private static void finish(ChannelHandlerContext ctx, ChannelPromise done) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      done.trySuccess();
                    } else {
                      done.tryFailure(f.cause());
                    }
                  });
    }
  }

  private static final class LargeBody implements Body {
    private final long length;
    private final long seed;
    private final AtomicLong generated;

    LargeBody(long length, long seed, AtomicLong generated) {
      this.length = length;
      this.seed = seed;
      this.generated = generated;
    }

    @Override
    public ChannelFuture writeTo(
        ChannelHandlerContext ctx, HttpResponse head, RecordedRequest request) {
      if (!head.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
      }
      HttpUtil.setContentLength(head, length);
      ctx.write(head);
      // ChunkedWriteHandler pulls the next chunk only while the channel is writable.
      return ctx.writeAndFlush(
          new HttpChunkedInput(new SeededChunkedInput(length, seed, generated)));
    }
  }

  private static final class ChunkedTextBody implements Body {
    private final List<String> chunks;

    ChunkedTextBody(List<String> chunks) {
      this.chunks = chunks;
    }

    @Override
    public ChannelFuture writeTo(
        ChannelHandlerContext ctx, HttpResponse head, RecordedRequest request) {
      if (!head.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      }
      HttpUtil.setTransferEncodingChunked(head, true);
      ctx.writeAndFlush(head);
      for (String chunk : chunks) {
        if (!chunk.isEmpty()) {
          // A flush per chunk puts each in its own TLS record, so a reader sees the boundaries.
          ctx.writeAndFlush(
              new DefaultHttpContent(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)));
        }
      }
      return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  private static final class CloseBody implements Body {
    static final CloseBody INSTANCE = new CloseBody();

    @Override
    public ChannelFuture writeTo(
        ChannelHandlerContext ctx, HttpResponse head, RecordedRequest request) {
      return ctx.close();
    }
  }

  @Override
  public String toString() {
    return "StandInResponse[" + status + ", " + body.getClass().getSimpleName() + "]";
  }
}
