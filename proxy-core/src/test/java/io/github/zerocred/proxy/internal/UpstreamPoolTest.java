package io.github.zerocred.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The pool of parked upstream connections with the {@link UpstreamHandler} that stays in each
 * pipeline. Hostile input here is the upstream's: bytes sent while nobody asked for a response.
 */
class UpstreamPoolTest {
  private static final String KEY = "api.anthropic.com";

  private static EmbeddedChannel upstream() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(UpstreamHandler.NAME, new UpstreamHandler());
    return ch;
  }

  @Test
  void parkedConnection_isHandedOutAgainOnItsLoop_once() {
    UpstreamPool pool = new UpstreamPool();
    EmbeddedChannel ch = upstream();
    pool.offer(KEY, ch);

    assertThat(pool.poll(ch.eventLoop(), "other.example")).isNull();
    assertThat(pool.poll(ch.eventLoop(), KEY)).isSameAs(ch);
    assertThat(pool.poll(ch.eventLoop(), KEY)).isNull();
    assertThat(ch.isActive()).isTrue();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void parkedConnection_thatTalksOutOfTurn_isClosedAndNeverHandedOut() {
    UpstreamPool pool = new UpstreamPool();
    EmbeddedChannel ch = upstream();
    UpstreamHandler handler = (UpstreamHandler) ch.pipeline().get(UpstreamHandler.NAME);
    pool.offer(KEY, ch);

    ByteBuf unasked = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.US_ASCII);
    ch.writeInbound(unasked);

    assertThat(unasked.refCnt()).isZero();
    assertThat(ch.isActive()).isFalse();
    assertThat(handler.reusable()).isFalse();
    assertThat(pool.poll(ch.eventLoop(), KEY)).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void closedParkedConnection_isNotHandedOut_andAnInactiveOneIsNotParked() {
    UpstreamPool pool = new UpstreamPool();
    EmbeddedChannel a = upstream();
    pool.offer(KEY, a);
    a.close();
    assertThat(pool.poll(a.eventLoop(), KEY)).isNull();

    EmbeddedChannel b = upstream();
    b.close();
    pool.offer(KEY, b);
    assertThat(pool.poll(b.eventLoop(), KEY)).isNull();
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
  }
}
