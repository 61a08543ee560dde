package io.github.zerocred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RepeatedBlockInputTest {

  private static final byte[] BLOCK = {1, 2, 3, 4, 5, 6, 7, 8};

  @Test
  void readChunk_givesWholeBlocksThenTheRest_andStopsAtTheLength() throws Exception {
    RepeatedBlockInput input = new RepeatedBlockInput(BLOCK, 20);

    assertThat(input.length()).isEqualTo(20);
    for (byte[] expected : new byte[][] {BLOCK, BLOCK, Arrays.copyOf(BLOCK, 4)}) {
      assertThat(input.isEndOfInput()).isFalse();
      ByteBuf chunk = input.readChunk(ByteBufAllocator.DEFAULT);
      try {
        assertThat(ByteBufUtil.getBytes(chunk)).isEqualTo(expected);
      } finally {
        chunk.release();
      }
    }
    assertThat(input.isEndOfInput()).isTrue();
    assertThat(input.progress()).isEqualTo(20);
    assertThat(input.readChunk(ByteBufAllocator.DEFAULT)).isNull();
  }

  @Test
  void throughChunkedWriteHandler_writesExactlyTheLength() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler());
    long length = 3L * BLOCK.length + 5;

    channel.writeAndFlush(new RepeatedBlockInput(BLOCK, length)).syncUninterruptibly();

    long written = 0;
    for (ByteBuf chunk; (chunk = channel.readOutbound()) != null; ) {
      written += chunk.readableBytes();
      chunk.release();
    }
    assertThat(written).isEqualTo(length);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void emptyLength_isAtItsEndAtOnce() throws Exception {
    RepeatedBlockInput input = new RepeatedBlockInput(BLOCK, 0);

    assertThat(input.isEndOfInput()).isTrue();
    assertThat(input.readChunk(ByteBufAllocator.DEFAULT)).isNull();
  }

  @Test
  void emptyBlockOrNegativeLength_isRefused() {
    assertThatThrownBy(() -> new RepeatedBlockInput(new byte[0], 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("block must not be empty");
    assertThatThrownBy(() -> new RepeatedBlockInput(BLOCK, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length must not be negative");
  }
}
