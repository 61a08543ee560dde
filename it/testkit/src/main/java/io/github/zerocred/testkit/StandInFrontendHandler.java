package io.github.zerocred.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Receives requests on one client connection, records them (hashing bodies as they stream in) and
 * writes the {@link StandInHandler}'s responses, one at a time in request order.
 */
final class StandInFrontendHandler extends ChannelInboundHandlerAdapter {

  private final StandInHandler handler;
  private final StandInServer server;
  private final long connectionId;

  // All state below is touched only on this channel's event loop.
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
  private String sniHostName;
  private RequestInProgress current;
  private boolean responding;

  StandInFrontendHandler(StandInHandler handler, StandInServer server, long connectionId) {
    this.handler = handler;
    this.server = server;
    this.connectionId = connectionId;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SniCompletionEvent) {
      sniHostName = ((SniCompletionEvent) event).hostname();
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (responding) {
      // A pipelining client sent the next request before our response finished; answer later,
      // in order. The message stays retained until then.
      pipelined.add(msg);
      return;
    }
    handle(ctx, msg);
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest) {
        HttpRequest request = (HttpRequest) msg;
        if (request.decoderResult().isFailure()) {
          rejectMalformed(ctx, request);
          return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
          ctx.writeAndFlush(
              new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        current = new RequestInProgress(request);
      }
      if (msg instanceof HttpContent && current != null) {
        HttpContent content = (HttpContent) msg;
        current.append(content.content());
        if (msg instanceof LastHttpContent) {
          current.appendTrailers(((LastHttpContent) msg).trailingHeaders());
          RequestInProgress complete = current;
          current = null;
          respond(ctx, complete);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void respond(ChannelHandlerContext ctx, RequestInProgress progress) {
    RecordedRequest request = progress.finish(connectionId, sniHostName);
    server.record(request);
    StandInResponse response;
    try {
      response = handler.respond(request);
      if (response == null) {
        response = StandInResponse.text(500, "stand-in handler returned no response\n");
      }
    } catch (RuntimeException e) {
      response = StandInResponse.text(500, "stand-in handler failed: " + e + "\n");
    }
    if (response.closesConnection()) {
      ctx.close();
      return;
    }
    boolean keepAlive = progress.keepAlive;
    responding = true;
    response
        .writeTo(ctx, request, keepAlive)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  responding = false;
                  if (!f.isSuccess() || !keepAlive) {
                    ctx.close();
                  } else {
                    drainPipelined(ctx);
                  }
                });
  }

  private void drainPipelined(ChannelHandlerContext ctx) {
    while (!responding && !pipelined.isEmpty()) {
      handle(ctx, pipelined.poll());
    }
  }

  private void rejectMalformed(ChannelHandlerContext ctx, HttpRequest request) {
    // Not a policy: a request the codec could not parse has nothing to record or answer.
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.BAD_REQUEST,
            Unpooled.copiedBuffer(
                "malformed request: " + request.decoderResult().cause() + "\n",
                StandardCharsets.UTF_8));
    HttpUtil.setContentLength(response, response.content().readableBytes());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    current = null;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releasePipelined();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePipelined();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A client that hangs up mid-stream or fails the handshake is ordinary in these tests.
    ctx.close();
  }

  private void releasePipelined() {
    Object msg;
    while ((msg = pipelined.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Headers and streaming body state of the request being received. */
  private static final class RequestInProgress {
    final String method;
    final String uri;
    final List<Map.Entry<String, String>> headers;
    final boolean keepAlive;
    final MessageDigest digest = StandInResponse.sha256();
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    long length;

    RequestInProgress(HttpRequest request) {
      this.method = request.method().name();
      this.uri = request.uri();
      this.headers = new ArrayList<>(request.headers().entries());
      this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    void append(ByteBuf content) {
      int readable = content.readableBytes();
      if (readable == 0) {
        return;
      }
      digest.update(content.nioBuffer());
      int keep = (int) Math.min(readable, Math.max(0, RecordedRequest.BODY_CAP - kept.size()));
      if (keep > 0) {
        try {
          content.getBytes(content.readerIndex(), kept, keep);
        } catch (IOException e) {
          throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
      }
      length += readable;
    }

    void appendTrailers(HttpHeaders trailers) {
      headers.addAll(trailers.entries());
    }

    RecordedRequest finish(long connectionId, String sniHostName) {
      return new RecordedRequest(
          method,
          uri,
          RecordedHeaders.of(headers),
          kept.toByteArray(),
          length,
          HexFormat.of().formatHex(digest.digest()),
          connectionId,
          sniHostName,
          Instant.now());
    }
  }
}
