package io.github.zerocred.proxy.internal;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * An HTTP request decoder that refuses, instead of repairing, a request carrying both {@code
 * Content-Length} and {@code Transfer-Encoding}: such a request is a smuggling attempt, not a
 * mistake worth guessing about.
 */
final class StrictHttpRequestDecoder extends HttpRequestDecoder {
  StrictHttpRequestDecoder(int maxHeaderBytes) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(maxHeaderBytes)
            .setMaxChunkSize(64 * 1024)
            .setValidateHeaders(true));
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // Thrown inside header parsing, this turns into an invalid message with a failed DecoderResult.
    throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
  }
}
