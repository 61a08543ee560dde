package io.github.zerocred.testkit;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * Builds a stand-in connection's pipeline: TLS (noting SNI), HTTP/1.1, chunked writes, frontend.
 */
final class StandInServerInitializer extends ChannelInitializer<SocketChannel> {

  private final SslContext sslContext;
  private final StandInHandler handler;
  private final StandInServer server;

  StandInServerInitializer(SslContext sslContext, StandInHandler handler, StandInServer server) {
    this.sslContext = sslContext;
    this.handler = handler;
    this.server = server;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    long connectionId = server.connectionOpened(channel);
    ChannelPipeline pipeline = channel.pipeline();
    // SniHandler serves one context for every name; it is there to report the name the client
    // asked for (SniCompletionEvent), which tests of a TLS-terminating proxy check.
    pipeline.addLast("tls", new SniHandler(name -> sslContext));
    pipeline.addLast("http", new HttpServerCodec());
    pipeline.addLast("chunked", new ChunkedWriteHandler());
    pipeline.addLast("frontend", new StandInFrontendHandler(handler, server, connectionId));
  }
}
