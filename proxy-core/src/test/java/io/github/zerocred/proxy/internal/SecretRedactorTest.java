package io.github.zerocred.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.Credential;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
  private static final String SECRET = "sk-ant-oat01-abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String PLACE = "sk-ant-oat01-zerocred_placeholder_XXXXXXXXXXXXXXX";
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

  private SecretRedactor redactor() {
    return new SecretRedactor(
        List.of(
            new Credential.Redaction(
                SECRET.getBytes(StandardCharsets.US_ASCII),
                PLACE.getBytes(StandardCharsets.US_ASCII))));
  }

  private String run(SecretRedactor r, List<String> chunks) {
    StringBuilder out = new StringBuilder();
    for (String c : chunks) {
      ByteBuf b =
          r.process(alloc.buffer().writeBytes(c.getBytes(StandardCharsets.US_ASCII)), alloc);
      out.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    ByteBuf tail = r.finish(alloc);
    out.append(tail.toString(StandardCharsets.US_ASCII));
    tail.release();
    return out.toString();
  }

  @Test
  void randomSplits_neverLetTheSecretThrough_andKeepEverythingElse() {
    Random random = new Random(3);
    String text = "pre " + SECRET + " mid s sk- sk-ant " + SECRET + SECRET + " end s";
    String expected = text.replace(SECRET, PLACE);
    for (int round = 0; round < 500; round++) {
      java.util.ArrayList<String> chunks = new java.util.ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        int n = 1 + random.nextInt(20);
        chunks.add(text.substring(i, Math.min(text.length(), i + n)));
        i += n;
      }
      assertThat(run(redactor(), chunks)).isEqualTo(expected);
    }
  }

  @Test
  void textWithoutSecretPrefix_passesAtOnce() {
    SecretRedactor r = redactor();
    ByteBuf b = r.process(alloc.buffer().writeBytes("data: {}\n\n".getBytes()), alloc);
    assertThat(b.readableBytes()).isEqualTo(10);
    b.release();
    r.finish(alloc).release();
  }

  @Test
  void onlyAPossiblePrefixIsHeldBack() {
    SecretRedactor r = redactor();
    ByteBuf b = r.process(alloc.buffer().writeBytes("hello sk-an".getBytes()), alloc);
    assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("hello ");
    b.release();
    r.discard();
  }

  @Test
  void headerValues_areRedacted() {
    assertThat(redactor().redact("Bearer " + SECRET)).isEqualTo("Bearer " + PLACE);
  }
}
