package io.github.zerocred.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.AtomicLong;

/** Streams a {@link SeededBytes} body chunk by chunk, so a large response is never in memory. */
final class SeededChunkedInput extends BoundedChunkedInput {

  // A multiple of 8, as SeededBytes requires; big enough to keep syscalls few.
  private static final int CHUNK_SIZE = 64 * 1024;

  private final SeededBytes bytes;
  // Generated into an array first: under paranoid leak detection every ByteBuf call records a
  // stack trace, and one writeLong per 8 bytes made a 50 MB body take 20 s.
  private final byte[] scratch = new byte[CHUNK_SIZE];

  // Bytes handed to the connection so far: what a test reads to see how far the reader let it get.
  private final AtomicLong generated;

  SeededChunkedInput(long length, long seed, AtomicLong generated) {
    super(length, CHUNK_SIZE);
    this.bytes = new SeededBytes(length, seed);
    this.generated = generated;
  }

  @Override
  protected ByteBuf nextChunk(ByteBufAllocator allocator, int count) {
    ByteBuf chunk = allocator.buffer(count);
    try {
      bytes.writeTo(scratch, count);
      chunk.writeBytes(scratch, 0, count);
      generated.addAndGet(count);
      return chunk;
    } catch (RuntimeException e) {
      chunk.release();
      throw e;
    }
  }
}
