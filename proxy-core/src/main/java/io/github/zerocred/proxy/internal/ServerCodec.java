package io.github.zerocred.proxy.internal;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpResponseEncoder;

/** The client-facing HTTP codec: the strict request decoder with the standard response encoder. */
final class ServerCodec
    extends CombinedChannelDuplexHandler<StrictHttpRequestDecoder, HttpResponseEncoder> {
  ServerCodec(int maxHeaderBytes) {
    super(new StrictHttpRequestDecoder(maxHeaderBytes), new HttpResponseEncoder());
  }
}
