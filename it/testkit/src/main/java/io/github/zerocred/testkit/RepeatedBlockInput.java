package io.github.zerocred.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * A body of one block over and over, each chunk a wrapped view of the block, never a copy: a body
 * that costs its server next to nothing to produce, for measuring what lies between server and
 * client (the benchmark's large downloads). {@link SeededChunkedInput} is the one to use when the
 * client must verify the bytes.
 */
public final class RepeatedBlockInput extends BoundedChunkedInput {

  private final byte[] block;

  /**
   * {@code length} bytes of {@code block} repeated, one chunk per block. The block is shared, not
   * copied: the caller must not change it while a body uses it.
   */
  public RepeatedBlockInput(byte[] block, long length) {
    super(length, nonEmpty(block).length);
    this.block = block;
  }

  private static byte[] nonEmpty(byte[] block) {
    if (block.length == 0) {
      throw new IllegalArgumentException("block must not be empty");
    }
    return block;
  }

  @Override
  protected ByteBuf nextChunk(ByteBufAllocator allocator, int count) {
    return Unpooled.wrappedBuffer(block, 0, count);
  }
}
