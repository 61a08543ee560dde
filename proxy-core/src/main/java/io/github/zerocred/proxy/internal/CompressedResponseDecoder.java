package io.github.zerocred.proxy.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Locale;

/**
 * Decodes a gzip or deflate response from a credential host, which may compress despite {@code
 * Accept-Encoding: identity}: the redactor must see plain bytes. Netty's decompressor is put in the
 * pipeline for such a response only and taken out at its end, so the plain responses that are the
 * rule pass with one header lookup. Any other coding stays as it is and is refused downstream.
 */
final class CompressedResponseDecoder extends ChannelInboundHandlerAdapter {
  private static final String DECOMPRESSOR = "decompress";

  /** Largest buffer one inflate step may produce: a compression bomb fails instead. */
  private static final int MAX_INFLATE = 4 * 1024 * 1024;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpResponse response
        && response.status().code() >= 200
        && decodable(response.headers().get(HttpHeaderNames.CONTENT_ENCODING))
        && ctx.pipeline().get(DECOMPRESSOR) == null) {
      ctx.pipeline()
          .addAfter(ctx.name(), DECOMPRESSOR, new HttpContentDecompressor(false, MAX_INFLATE));
    }
    ctx.fireChannelRead(msg);
    if (msg instanceof LastHttpContent && ctx.pipeline().get(DECOMPRESSOR) != null) {
      ctx.pipeline().remove(DECOMPRESSOR);
    }
  }

  private static boolean decodable(String coding) {
    if (coding == null) {
      return false;
    }
    String c = coding.trim().toLowerCase(Locale.ROOT);
    return c.equals("gzip") || c.equals("x-gzip") || c.equals("deflate") || c.equals("x-deflate");
  }
}
