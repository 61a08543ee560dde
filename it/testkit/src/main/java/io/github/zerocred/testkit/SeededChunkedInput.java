package io.github.zerocred.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/** Streams a {@link SeededBytes} body chunk by chunk, so a large response is never in memory. */
final class SeededChunkedInput implements ChunkedInput<ByteBuf> {

  // A multiple of 8, as SeededBytes requires; big enough to keep syscalls few.
  private static final int CHUNK_SIZE = 64 * 1024;

  private final long length;
  private final SeededBytes bytes;
  // Generated into an array first: under paranoid leak detection every ByteBuf call records a
  // stack trace, and one writeLong per 8 bytes made a 50 MB body take 20 s.
  private final byte[] scratch = new byte[CHUNK_SIZE];

  SeededChunkedInput(long length, long seed) {
    this.length = length;
    this.bytes = new SeededBytes(length, seed);
  }

  @Override
  public boolean isEndOfInput() {
    return bytes.remaining() == 0;
  }

  @Override
  public void close() {
    // Nothing to release: the bytes are generated, not read from anything.
  }

  @Deprecated
  @Override
  public ByteBuf readChunk(ChannelHandlerContext ctx) {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) {
    if (isEndOfInput()) {
      return null;
    }
    int count = (int) Math.min(CHUNK_SIZE, bytes.remaining());
    ByteBuf chunk = allocator.buffer(count);
    try {
      bytes.writeTo(scratch, count);
      chunk.writeBytes(scratch, 0, count);
      return chunk;
    } catch (RuntimeException e) {
      chunk.release();
      throw e;
    }
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long progress() {
    return length - bytes.remaining();
  }
}
