package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.AuditRecord;
import io.github.zerocred.proxy.policy.ConnectDecision;
import io.github.zerocred.proxy.policy.MessagesBodyPolicy;
import io.github.zerocred.proxy.policy.Refusal;
import io.github.zerocred.proxy.policy.UsageMeter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * The frontend of an intercepted tunnel, after TLS: checks each request against the tunnel's
 * authority, swaps whatever credential it carries for the real one, and streams the exchange with
 * an upstream connection from the pool. One request at a time; a pipelined request waits its turn
 * in {@link #inbound}. Upstream channels live on this channel's event loop: no locking.
 */
final class InterceptHandler extends ChannelInboundHandlerAdapter {
  private final ProxyRuntime rt;
  private final ConnectDecision.Allowed target;
  private final String poolKey;
  private final ArrayDeque<Object> inbound = new ArrayDeque<>();

  /** How much of a refused request's body is read and dropped before closing anyway. */
  private static final long MAX_DISCARD = 64L * 1024 * 1024;

  private ChannelHandlerContext ctx;

  /**
   * On every write of a response part: a failed write ends the tunnel. One instance per tunnel;
   * reading on is driven by the upstream's read completing and by writability, not by writes.
   */
  private final ChannelFutureListener closeOnFailure =
      f -> {
        if (!f.isSuccess()) {
          closeAll();
        }
      };

  private Exchange exchange;
  private boolean closing;
  private boolean discardingRefused;
  private long discarded;

  InterceptHandler(ProxyRuntime rt, ConnectDecision.Allowed target) {
    this.rt = rt;
    this.target = target;
    this.poolKey = target.host() + target.route().map(a -> "@" + a).orElse("");
  }

  /** One request and its response. */
  private final class Exchange {
    final Instant start = Instant.now();
    final String method;
    final String path;
    final boolean clientKeepAlive;
    final boolean http10;
    Channel upstream;
    UpstreamHandler upstreamHandler;
    SecretRedactor redactor;
    boolean requestComplete;
    boolean upstreamUnflushed;
    boolean responseStarted;
    boolean responseComplete;
    boolean interim;
    boolean rechunk;
    boolean closeAfter;
    int status;
    long bytesIn;
    long bytesOut;

    /** A Messages call: admitted against the budget, its response's usage charged. */
    boolean messages;

    /** The body being collected for the body policy, until its last part; owned here. */
    CompositeByteBuf body;

    /** Bytes of {@link #body} counted against the proxy-wide bound. */
    long reserved;

    /** The request to send once the body passed, with the body's length set. */
    HttpRequest pendingRequest;

    String requestModel;
    UsageMeter meter;
    boolean settled;

    /** A checked body waiting for the upstream connection; owned here until written. */
    ByteBuf bodyToSend;

    Exchange(HttpRequest request, String path) {
      this.method = request.method().name();
      this.path = path;
      this.clientKeepAlive = HttpUtil.isKeepAlive(request);
      this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discardingRefused) {
      discardRefused(msg);
      return;
    }
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    inbound.add(msg);
    drain();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    maybeRead();
  }

  /**
   * Processes queued client messages as far as the current exchange allows, then flushes what was
   * written upstream in one go: a small request leaves as one TLS record, not one per part.
   */
  private void drain() {
    drainQueued();
    Exchange ex = exchange;
    if (ex != null && ex.upstream != null && ex.upstreamUnflushed) {
      ex.upstreamUnflushed = false;
      ex.upstream.flush();
    }
  }

  private void drainQueued() {
    while (!inbound.isEmpty() && !closing) {
      Object msg = inbound.peek();
      if (exchange == null) {
        inbound.poll();
        if (msg instanceof HttpRequest request) {
          startExchange(request);
        }
        // A stray body part after a refused request: drop it.
        ReferenceCountUtil.release(msg);
        continue;
      }
      if (exchange.body != null) {
        inbound.poll();
        if (msg instanceof HttpContent content) {
          collectBody(content);
        } else {
          ReferenceCountUtil.release(msg);
        }
        continue;
      }
      if (exchange.upstream == null || exchange.requestComplete) {
        return; // waiting for the upstream, or for the response to the previous request
      }
      inbound.poll();
      if (msg instanceof HttpContent content) {
        forwardBody(content);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  private void maybeRead() {
    if (discardingRefused && ctx.channel().isActive()) {
      ctx.read();
      return;
    }
    if (closing || !ctx.channel().isActive() || !inbound.isEmpty()) {
      return;
    }
    if (exchange == null
        || exchange.body != null
        || (exchange.upstream != null
            && !exchange.requestComplete
            && exchange.upstream.isWritable())) {
      ctx.read();
    }
  }

  private void startExchange(HttpRequest request) {
    RequestChecks.Problem problem =
        RequestChecks.headProblem(request, target.host(), target.port());
    if (problem != null) {
      refuse(request, problem.status(), problem.reason(), problem.message());
      return;
    }
    String originForm = RequestChecks.originForm(request.uri());
    String path = RequestChecks.pathOf(originForm);
    String method = request.method().name();
    boolean api = rt.apiHosts.contains(target.host());
    if (api && !rt.apiPolicy.allows(method, path)) {
      refuse(request, RequestChecks.endpointNotAllowed(method, path));
      return;
    }
    boolean inspect = api && RequestChecks.bodyChecked(method, path);
    boolean messages = inspect && path.equals(ApiPolicy.Endpoint.MESSAGES);
    if (messages) {
      Optional<Refusal> spent = rt.spend.refuseIfSpent();
      if (spent.isPresent()) {
        refuse(request, spent.get());
        return;
      }
    }
    Refusal framing =
        inspect
            ? RequestChecks.bodyFramingProblem(request, rt.apiPolicy.maxRequestBodyBytes())
            : null;
    if (framing != null) {
      refuse(request, framing);
      return;
    }
    Exchange ex = new Exchange(request, path);
    ex.messages = messages;
    exchange = ex;
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    HttpHeaders headers =
        HttpHeadersPolicy.upstreamRequest(
            request.headers(), target.host(), target.injection().orElseThrow(), chunked);
    HttpRequest upstreamRequest =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), originForm, headers);
    if (inspect) {
      // Only these bodies are held: checked whole before the credential goes anywhere with them.
      ex.pendingRequest = upstreamRequest;
      ex.body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
      if (HttpUtil.is100ContinueExpected(request)) {
        // The upstream sees the body only once it is whole: the go-ahead comes from here.
        upstreamRequest.headers().remove(HttpHeaderNames.EXPECT);
        ctx.writeAndFlush(
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      return;
    }
    connectAndSend(ex, upstreamRequest);
  }

  /** One part of a body under check: kept, within the per-request and proxy-wide bounds. */
  private void collectBody(HttpContent content) {
    Exchange ex = exchange;
    ByteBuf part = content.content();
    int n = part.readableBytes();
    ex.bytesIn += n;
    if (ex.body.readableBytes() + (long) n > rt.apiPolicy.maxRequestBodyBytes()) {
      content.release();
      refuseExchange(ex, RequestChecks.tooLarge(rt.apiPolicy.maxRequestBodyBytes()), false);
      return;
    }
    if (rt.bufferedBodyBytes.addAndGet(n) > rt.maxBufferedBodyBytes) {
      rt.bufferedBodyBytes.addAndGet(-n);
      content.release();
      refuseExchange(
          ex,
          new Refusal(
              429, "overloaded_error", "proxy_busy", "too many large requests at once; retry"),
          false);
      return;
    }
    ex.reserved += n;
    if (n > 0) {
      ex.body.addComponent(true, part.retain());
    }
    boolean last = content instanceof LastHttpContent;
    content.release();
    if (last) {
      bodyComplete(ex);
    }
  }

  /** The whole body is here: check it, then forward it in one piece with its length. */
  private void bodyComplete(Exchange ex) {
    CompositeByteBuf body = ex.body;
    MessagesBodyPolicy.Verdict verdict =
        rt.bodyPolicy.check(new ByteBufInputStream(body.duplicate()));
    Optional<Refusal> refusal = verdict.refusal();
    if (refusal.isEmpty() && ex.messages) {
      refusal = rt.spend.admit();
    }
    if (refusal.isPresent()) {
      refuseExchange(ex, refusal.get(), true);
      return;
    }
    ex.requestModel = verdict.model().orElse(null);
    ex.body = null;
    releaseReservation(ex);
    HttpRequest request = ex.pendingRequest;
    ex.pendingRequest = null;
    request.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    ex.bodyToSend = body;
    connectAndSend(ex, request);
  }

  private void releaseReservation(Exchange ex) {
    if (ex.reserved > 0) {
      rt.bufferedBodyBytes.addAndGet(-ex.reserved);
      ex.reserved = 0;
    }
  }

  private void connectAndSend(Exchange ex, HttpRequest upstreamRequest) {
    Channel pooled = rt.pool.poll(ctx.channel().eventLoop(), poolKey);
    if (pooled != null) {
      attach(ex, pooled, upstreamRequest);
      return;
    }
    Future<Channel> connecting =
        UpstreamConnector.connect(rt, ctx.channel().eventLoop(), target, true);
    connecting.addListener(
        f -> {
          if (exchange != ex || closing) {
            if (f.isSuccess()) {
              ((Channel) f.getNow()).close();
            }
            return;
          }
          if (f.isSuccess()) {
            attach(ex, (Channel) f.getNow(), upstreamRequest);
          } else {
            UpstreamException e =
                f.cause() instanceof UpstreamException u
                    ? u
                    : new UpstreamException(502, "upstream_failed", "upstream failed", f.cause());
            failBeforeResponse(e.status(), e.reason(), e.getMessage());
          }
        });
  }

  private void attach(Exchange ex, Channel upstream, HttpRequest upstreamRequest) {
    ex.upstream = upstream;
    ex.redactor = new SecretRedactor(rt.redactionPatterns);
    ex.upstreamHandler = (UpstreamHandler) upstream.pipeline().get(UpstreamHandler.NAME);
    ex.upstreamHandler.attach(this);
    ex.upstreamUnflushed = true;
    upstream
        .write(upstreamRequest)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                upstreamFailed(ex);
              }
            });
    if (ex.bodyToSend != null) {
      ByteBuf body = ex.bodyToSend;
      ex.bodyToSend = null;
      ex.requestComplete = true;
      upstream
          .write(new DefaultLastHttpContent(body))
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  upstreamFailed(ex);
                }
              });
    }
    upstream.read();
    drain();
    maybeRead();
  }

  private void forwardBody(HttpContent content) {
    Exchange ex = exchange;
    ex.bytesIn += content.content().readableBytes();
    boolean last = content instanceof LastHttpContent;
    if (last) {
      ex.requestComplete = true;
    }
    ex.upstreamUnflushed = true;
    ex.upstream
        .write(content)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                upstreamFailed(ex);
              } else {
                maybeRead();
              }
            });
  }

  /**
   * The upstream read is done: send the client everything it brought, in one flush, and read on
   * while the client's outbound buffer is below its high-water mark. Waiting for each write to
   * complete instead (as an earlier build did) left the upstream idle during every client write: a
   * 50 MB download ran stop-and-wait. Memory stays bounded by the water mark plus one read.
   */
  void upstreamReadComplete(UpstreamHandler from) {
    Exchange ex = exchange;
    if (ex != null && ex.upstreamHandler == from) {
      Channel client = ctx.channel();
      client.flush();
      if (!ex.responseComplete && client.isWritable()) {
        ex.upstream.read();
      }
    }
  }

  /** Called by the upstream side when it becomes writable again. */
  void upstreamWritable() {
    maybeRead();
  }

  /** A response part from upstream, on this channel's event loop. */
  void onUpstreamMessage(UpstreamHandler from, HttpObject msg) {
    Exchange ex = exchange;
    if (ex == null || ex.upstreamHandler != from || closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    Channel client = ctx.channel();
    if (msg instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        upstreamFailed(ex);
        return;
      }
      if (!writeResponseHead(ex, response)) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      if (ex.interim) {
        // End of a 1xx: nothing to forward but the encoder's state change.
        content.release();
        if (content instanceof LastHttpContent) {
          ex.interim = false;
          client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        ex.upstream.read();
        return;
      }
      ex.bytesOut += content.content().readableBytes();
      if (ex.meter != null) {
        ex.meter.feed(content.content());
      }
      ByteBuf body = ex.redactor.process(content.content().retain(), client.alloc());
      boolean last = content instanceof LastHttpContent;
      HttpHeaders trailers = null;
      if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
        trailers = ((LastHttpContent) content).trailingHeaders().copy();
      }
      content.release();
      if (!last) {
        // Flushed when the upstream read completes: one TLS record for what one read brought.
        client.write(new DefaultHttpContent(body)).addListener(closeOnFailure);
        return;
      }
      ex.responseComplete = true;
      body = append(body, ex.redactor.finish(client.alloc()), client.alloc());
      LastHttpContent end = new DefaultLastHttpContent(body);
      if (trailers != null) {
        HttpHeadersPolicy.redactInPlace(trailers, ex.redactor);
        end.trailingHeaders().set(trailers);
      }
      client
          .writeAndFlush(end)
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  completeExchange(ex);
                } else {
                  closeAll();
                }
              });
    } else if (!(msg instanceof HttpResponse)) {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * {@code body} followed by {@code tail}, taking ownership of both; no composite buffer for the
   * usual case of an empty tail (a response that ends in no partial secret).
   */
  private static ByteBuf append(ByteBuf body, ByteBuf tail, ByteBufAllocator alloc) {
    if (!tail.isReadable()) {
      tail.release();
      return body;
    }
    if (!body.isReadable()) {
      body.release();
      return tail;
    }
    return alloc.compositeBuffer(2).addComponents(true, body, tail);
  }

  /** Sends the response head; false when the response was refused instead. */
  private boolean writeResponseHead(Exchange ex, HttpResponse response) {
    int code = response.status().code();
    // The upstream's reason phrase is free text it may fill with what the request carried (a
    // credential, say): the client gets the standard phrase for the code instead.
    HttpResponseStatus status = HttpResponseStatus.valueOf(code);
    if (code >= 100 && code < 200) {
      ex.interim = true;
      if (code == 101) {
        // Upgrade was stripped from the request; a 101 anyway is a broken upstream.
        upstreamFailed(ex);
        return false;
      }
      ctx.channel()
          .write(
              new DefaultHttpResponse(
                  HttpVersion.HTTP_1_1,
                  status,
                  HttpHeadersPolicy.clientResponse(response.headers(), ex.redactor)));
      return true;
    }
    String coding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (coding != null && !coding.trim().equalsIgnoreCase("identity")) {
      // Not gzip or deflate (those were decoded on the way in): bytes the redactor cannot read.
      failBeforeResponse(
          502, "upstream_encoding", "the upstream answered with a Content-Encoding it cannot scan");
      return false;
    }
    if (ex.messages && code >= 200 && code < 300) {
      ex.meter = UsageMeter.forContentType(response.headers().get(HttpHeaderNames.CONTENT_TYPE));
    }
    ex.status = code;
    ex.responseStarted = true;
    HttpHeaders headers = HttpHeadersPolicy.clientResponse(response.headers(), ex.redactor);
    boolean hasBody =
        !"HEAD".equals(ex.method) && code != 204 && code != 304 && !(code >= 100 && code < 200);
    boolean framed =
        headers.contains(HttpHeaderNames.CONTENT_LENGTH)
            || HttpUtil.isTransferEncodingChunked(response);
    if (HttpUtil.isTransferEncodingChunked(response)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    ex.closeAfter = !ex.clientKeepAlive;
    if (hasBody && !framed) {
      if (ex.http10) {
        ex.closeAfter = true; // HTTP/1.0 has no chunking: the close ends the body
      } else {
        ex.rechunk = true;
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    if (ex.closeAfter) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (ex.http10) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    HttpResponse head =
        new DefaultHttpResponse(
            ex.http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, status, headers);
    ctx.channel().write(head).addListener(closeOnFailure);
    return true;
  }

  /** The client can take more: resume reading from upstream. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange ex = exchange;
    if (ex != null && ex.upstream != null && !ex.responseComplete && ctx.channel().isWritable()) {
      ex.upstream.read();
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void completeExchange(Exchange ex) {
    if (exchange != ex) {
      return;
    }
    audit(ex, "credential_host", true, ex.status, ex.bytesOut);
    exchange = null;
    Channel up = ex.upstream;
    ex.upstreamHandler.detach();
    if (ex.requestComplete && ex.upstreamHandler.reusable() && up.isActive()) {
      rt.pool.offer(poolKey, up);
    } else {
      up.close();
    }
    if (ex.closeAfter) {
      closing = true;
      Responses.closeOnFlush(ctx.channel());
      return;
    }
    drain();
    maybeRead();
  }

  /** The upstream broke mid-exchange. */
  void upstreamFailed(UpstreamHandler from) {
    Exchange ex = exchange;
    if (ex != null && ex.upstreamHandler == from) {
      upstreamFailed(ex);
    }
  }

  private void upstreamFailed(Exchange ex) {
    if (exchange != ex || ex.responseComplete) {
      return;
    }
    if (ex.upstream != null) {
      ex.upstream.close();
    }
    if (!ex.responseStarted) {
      failBeforeResponse(502, "upstream_failed", "the upstream closed the connection");
      return;
    }
    audit(ex, "upstream_failed", true, ex.status, ex.bytesOut);
    exchange = null;
    closeAll();
  }

  /** Nothing of the response was sent yet: answer the client ourselves, then close. */
  private void failBeforeResponse(int status, String reason, String message) {
    Exchange ex = exchange;
    audit(ex, reason, false, status, 0);
    if (ex.upstream != null) {
      ex.upstream.close();
    }
    if (ex.redactor != null) {
      ex.redactor.discard();
    }
    discardBody(ex);
    exchange = null;
    closing = true;
    releaseInbound();
    FullHttpResponse r = Responses.plain(status, message);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.channel().writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  private void refuse(HttpRequest request, int status, String reason, String message) {
    auditRefused(request, reason, status);
    closing = true;
    releaseInbound();
    FullHttpResponse r = Responses.plain(status, message);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.channel().writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  /** Refuses an API request at its head, in the API's error shape; see {@link #refuseWith}. */
  private void refuse(HttpRequest request, Refusal refusal) {
    auditRefused(request, refusal.reason(), refusal.status());
    refuseWith(refusal, request instanceof LastHttpContent);
  }

  /** Records a request refused at its head: nothing of it went upstream. */
  private void auditRefused(HttpRequest request, String reason, int status) {
    rt.audit(
        Instant.now(),
        request.method().name(),
        target.host(),
        target.port(),
        RequestChecks.pathOf(RequestChecks.originForm(request.uri())),
        AuditRecord.DENIED,
        reason,
        false,
        status,
        0,
        0);
  }

  /** Refuses the exchange whose body was being collected or checked. */
  private void refuseExchange(Exchange ex, Refusal refusal, boolean bodyComplete) {
    rt.audit(
        ex.start,
        ex.method,
        target.host(),
        target.port(),
        ex.path,
        AuditRecord.DENIED,
        refusal.reason(),
        false,
        refusal.status(),
        ex.bytesIn,
        0);
    discardBody(ex);
    exchange = null;
    refuseWith(refusal, bodyComplete);
  }

  /**
   * Answers with the refusal and closes. Nothing of the request went upstream. While the rest of
   * its body is still coming, it is read and dropped first (bounded): closing with unread bytes
   * makes TCP reset the connection, and the client would never see why it was refused.
   */
  private void refuseWith(Refusal refusal, boolean requestComplete) {
    closing = true;
    boolean sawEnd = requestComplete;
    Object m;
    while ((m = inbound.poll()) != null) {
      sawEnd |= m instanceof LastHttpContent;
      ReferenceCountUtil.release(m);
    }
    FullHttpResponse r = Responses.apiError(refusal);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (sawEnd) {
      ctx.channel().writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    discardingRefused = true;
    ctx.channel()
        .writeAndFlush(r)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ctx.close();
              } else {
                maybeRead();
              }
            });
  }

  /** A part of a refused request's body: dropped; the connection closes at its end. */
  private void discardRefused(Object msg) {
    if (msg instanceof HttpContent c) {
      discarded += c.content().readableBytes();
    }
    boolean end = msg instanceof LastHttpContent || discarded > MAX_DISCARD;
    ReferenceCountUtil.release(msg);
    if (end) {
      discardingRefused = false;
      ctx.close();
    }
  }

  private void discardBody(Exchange ex) {
    if (ex == null) {
      return;
    }
    if (ex.body != null) {
      ex.body.release();
      ex.body = null;
    }
    if (ex.bodyToSend != null) {
      ex.bodyToSend.release();
      ex.bodyToSend = null;
    }
    releaseReservation(ex);
  }

  /** Charges the run's spend with what the response reported, once. */
  private void settle(Exchange ex) {
    if (ex != null && !ex.settled && ex.meter != null) {
      ex.settled = true;
      rt.spend.charge(ex.meter.finish(), ex.requestModel);
    }
  }

  private void closeAll() {
    closing = true;
    discardingRefused = false;
    Exchange ex = exchange;
    exchange = null;
    settle(ex);
    discardBody(ex);
    if (ex != null) {
      if (ex.upstream != null) {
        ex.upstream.close();
      }
      if (ex.redactor != null) {
        ex.redactor.discard();
      }
    }
    releaseInbound();
    ctx.close();
  }

  private void releaseInbound() {
    Object m;
    while ((m = inbound.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange ex = exchange;
    if (ex != null) {
      audit(ex, "client_closed", ex.upstream != null, ex.status, ex.bytesOut);
    }
    closeAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseInbound();
    discardBody(exchange);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent hs && !hs.isSuccess()) {
      // The client does not trust this run's CA, or spoke something other than TLS.
      rt.audit(
          Instant.now(),
          "CONNECT",
          target.host(),
          target.port(),
          null,
          AuditRecord.DENIED,
          "client_tls_failed",
          false,
          0,
          0,
          0);
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeAll();
  }

  /** Records how an exchange this tunnel allowed ended. */
  private void audit(Exchange ex, String reason, boolean injected, int status, long bytesOut) {
    settle(ex);
    rt.audit(
        ex.start,
        ex.method,
        target.host(),
        target.port(),
        ex.path,
        AuditRecord.ALLOWED,
        reason,
        injected,
        status,
        ex.bytesIn,
        bytesOut);
  }
}
