package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.policy.ConnectDecision;
import io.github.zerocred.proxy.policy.EgressPolicy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * Dials upstream for a decided target: resolves off the event loop (checking every answer), then
 * connects on the client's own event loop so the two channels never need to synchronise.
 */
final class UpstreamConnector {
  private UpstreamConnector() {}

  /**
   * A connected channel to {@code target}, TLS-verified and with an HTTP client codec when {@code
   * intercept}, raw otherwise. Fails with an {@link UpstreamException}.
   */
  static Promise<Channel> connect(
      ProxyRuntime rt, EventLoop loop, ConnectDecision.Allowed target, boolean intercept) {
    Promise<Channel> promise = loop.newPromise();
    try {
      rt.resolver.execute(
          () -> {
            InetSocketAddress address;
            try {
              address = rt.policy.resolve(target);
            } catch (EgressPolicy.RefusedException e) {
              promise.tryFailure(new UpstreamException(e.status(), e.reason(), e.getMessage(), e));
              return;
            }
            loop.execute(() -> dial(rt, loop, target, intercept, address, promise));
          });
    } catch (RejectedExecutionException e) {
      promise.tryFailure(new UpstreamException(503, "shutting_down", "the proxy is stopping", e));
    }
    return promise;
  }

  private static void dial(
      ProxyRuntime rt,
      EventLoop loop,
      ConnectDecision.Allowed target,
      boolean intercept,
      InetSocketAddress address,
      Promise<Channel> promise) {
    if (promise.isDone()) {
      return;
    }
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) rt.config.limits().connectTimeout().toMillis())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (intercept) {
                      ch.pipeline()
                          .addLast(
                              "tls",
                              rt.upstreamTls.newHandler(
                                  ch.alloc(),
                                  target.host(),
                                  target.port(),
                                  rt.config.limits().handshakeTimeout()))
                          .addLast("http", new HttpClientCodec(8192, 64 * 1024, 64 * 1024))
                          .addLast("decode", new CompressedResponseDecoder())
                          .addLast(UpstreamHandler.NAME, new UpstreamHandler());
                    }
                  }
                });
    ChannelFuture cf = b.connect(address);
    cf.addListener(
        f -> {
          if (!f.isSuccess()) {
            promise.tryFailure(
                new UpstreamException(
                    502,
                    "upstream_unreachable",
                    "cannot connect to " + target.host() + ": " + describe(f.cause()),
                    f.cause()));
            return;
          }
          Channel ch = cf.channel();
          if (!intercept) {
            if (!promise.trySuccess(ch)) {
              ch.close();
            }
            return;
          }
          // Nothing is written before the handshake has verified the upstream's certificate.
          ch.pipeline()
              .get(SslHandler.class)
              .handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      if (!promise.trySuccess(ch)) {
                        ch.close();
                      }
                    } else {
                      ch.close();
                      promise.tryFailure(
                          new UpstreamException(
                              502,
                              "upstream_tls_failed",
                              "could not verify the TLS certificate of "
                                  + target.host()
                                  + ": "
                                  + describe(h.cause()),
                              h.cause()));
                    }
                  });
        });
    promise.addListener(
        p -> {
          if (p.isCancelled()) {
            cf.channel().close();
          }
        });
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    if (root instanceof SSLException || m == null) {
      m = m == null ? root.getClass().getSimpleName() : m;
    }
    return m.length() > 300 ? m.substring(0, 300) + "…" : m;
  }
}
