package io.github.zerocred.proxy.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.zerocred.proxy.policy.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The proxy's own short answers: a status, a one-line plain-text reason, and usually a close. */
final class Responses {
  private static final JsonFactory JSON = new JsonFactory();

  private Responses() {}

  static FullHttpResponse plain(int status, String message) {
    ByteBuf body = Unpooled.copiedBuffer("zerocred: " + message + "\n", StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set("x-zerocred", "refused");
    return r;
  }

  /**
   * The proxy's refusal of an API request, shaped like the Anthropic API's own errors ({@code
   * {"type":"error","error":{"type":...,"message":"zerocred: ..."}}}) so Claude Code shows it.
   */
  static FullHttpResponse apiError(Refusal refusal) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "error");
      g.writeObjectFieldStart("error");
      g.writeStringField("type", refusal.errorType());
      g.writeStringField("message", "zerocred: " + refusal.message());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // into memory: cannot fail
    }
    byte[] bytes = out.toByteArray();
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(refusal.status()),
            Unpooled.wrappedBuffer(bytes));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set("x-zerocred", "refused");
    return r;
  }

  /** Sends the answer and closes the connection once it is written. */
  static ChannelFuture sendAndClose(Channel channel, int status, String message) {
    FullHttpResponse r = plain(status, message);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (status == 407) {
      r.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"zerocred\"");
    }
    return channel.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  /** Closes once everything queued so far is written. */
  static void closeOnFlush(Channel ch) {
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
