package io.github.zerocred.proxy.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Builds the pipeline of a new client connection: a deadline, the HTTP codec, the CONNECT gate. */
final class ProxyServerInitializer extends ChannelInitializer<SocketChannel> {
  private final ProxyRuntime rt;

  ProxyServerInitializer(ProxyRuntime rt) {
    this.rt = rt;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    long connectMillis = rt.config.limits().connectTimeout().toMillis();
    ch.pipeline()
        .addLast("timeout", new IdleStateHandler(connectMillis, 0, 0, TimeUnit.MILLISECONDS))
        .addLast("http", new ServerCodec(rt.config.limits().maxHeaderBytes()))
        .addLast("connect", new ConnectHandler(rt));
  }
}
