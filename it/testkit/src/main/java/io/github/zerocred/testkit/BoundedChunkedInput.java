package io.github.zerocred.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A body of known length handed to Netty's {@code ChunkedWriteHandler} one chunk at a time, so it
 * is produced only as fast as the client reads and never held whole; subclasses say what a chunk
 * holds.
 */
public abstract class BoundedChunkedInput implements ChunkedInput<ByteBuf> {

  private final long length;
  private final int chunkSize;
  private long sent;

  /**
   * @param length the body's length in bytes
   * @param chunkSize the largest chunk {@link #nextChunk} is asked for
   */
  protected BoundedChunkedInput(long length, int chunkSize) {
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative: " + length);
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
    }
    this.length = length;
    this.chunkSize = chunkSize;
  }

  /**
   * The next {@code count} bytes of the body ({@code count} is the chunk size, or less for the last
   * chunk). The caller owns the returned buffer.
   */
  protected abstract ByteBuf nextChunk(ByteBufAllocator allocator, int count);

  @Override
  public final boolean isEndOfInput() {
    return sent >= length;
  }

  @Override
  public void close() {
    // Nothing to release: the bytes are generated, not read from anything.
  }

  @Deprecated
  @Override
  public final ByteBuf readChunk(ChannelHandlerContext ctx) {
    return readChunk(ctx.alloc());
  }

  @Override
  public final ByteBuf readChunk(ByteBufAllocator allocator) {
    if (isEndOfInput()) {
      return null;
    }
    int count = (int) Math.min(chunkSize, length - sent);
    ByteBuf chunk = nextChunk(allocator, count);
    sent += count;
    return chunk;
  }

  @Override
  public final long length() {
    return length;
  }

  @Override
  public final long progress() {
    return sent;
  }
}
