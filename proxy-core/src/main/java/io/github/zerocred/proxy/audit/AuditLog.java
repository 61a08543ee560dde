package io.github.zerocred.proxy.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.github.zerocred.proxy.AuditRecord;
import io.github.zerocred.proxy.ProxyEvent;
import io.github.zerocred.proxy.ProxyListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JSON Lines audit log and the event dispatch, on one thread of their own: network threads only
 * enqueue, so a slow disk or a slow listener never stalls traffic. Records arrive here already free
 * of secrets; this class adds nothing but the encoding.
 */
public final class AuditLog implements AutoCloseable {
  /**
   * Lines are written with Jackson's streaming generator, not an object mapper: a standalone proxy
   * then never loads jackson-databind and its Java-time module (about 540 classes, a tenth of what
   * it loads, and 0.12-0.18 s of its start; bench/RESULTS.md, "Issue 14"). Straight into the
   * buffered file writer: no String per record, no flush per record.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
          .build();

  private static final Object STOP = new Object();

  /**
   * After a batch that held audit records, the thread waits this long before it looks again, so
   * that under load it wakes (and writes the file) once per interval rather than once per request:
   * each wake-up costs the event loop a futex call and the 2-core machine a context switch (7% of
   * the proxy's CPU in bench/ workload 1 went to this thread). An idle proxy's first record and
   * every lone event still go out at once.
   */
  private static final long LINGER_MILLIS = 10;

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Optional<Path> file;
  private final ProxyListener listener;
  private final Thread thread;
  private BufferedWriter writer; // confined to the audit thread

  /**
   * @param file appended to (created if missing), or empty for events only
   * @param listener receives every event, on the audit thread
   */
  public AuditLog(Optional<Path> file, ProxyListener listener, String runId) throws IOException {
    this.file = file;
    this.listener = listener;
    if (file.isPresent()) {
      Path parent = file.get().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      writer =
          Files.newBufferedWriter(
              file.get(),
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE);
    }
    thread = new Thread(this::drain, "zerocred-audit-" + runId);
    thread.setDaemon(true);
    thread.start();
  }

  /** Records one request or refusal; returns at once. */
  public void record(AuditRecord record) {
    queue.add(record);
  }

  /** Delivers an event that is not an audit record. */
  public void event(ProxyEvent event) {
    queue.add(event);
  }

  public Optional<Path> file() {
    return file;
  }

  /** Loads and initialises the line encoder's classes (a start calls this on a second thread). */
  public static void preload() {
    try (JsonGenerator g = JSON.createGenerator(Writer.nullWriter())) {
      write(g, new AuditRecord(Instant.EPOCH, "", "", "", 0, "", "", "", false, 0, 0, 0, 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes out everything queued so far, then stops the thread. */
  @Override
  public void close() {
    queue.add(STOP);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    List<Object> batch = new ArrayList<>();
    boolean running = true;
    while (running) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch);
      running = !batch.contains(STOP);
      boolean records = deliverAll(batch);
      if (running && records && !linger()) {
        break;
      }
    }
    // After an interrupt, whatever was queued still gets written.
    queue.drainTo(batch);
    deliverAll(batch);
    closeWriter();
  }

  /** Writes and delivers a batch, flushes once, and empties it; true when it held records. */
  private boolean deliverAll(List<Object> batch) {
    boolean records = false;
    for (Object item : batch) {
      if (item instanceof AuditRecord r) {
        records = true;
        write(r);
        deliver(new ProxyEvent.Audited(r));
      } else if (item instanceof ProxyEvent e) {
        deliver(e);
      }
    }
    batch.clear();
    flush();
    return records;
  }

  /** Waits {@link #LINGER_MILLIS} unless stopping; false when interrupted. */
  private boolean linger() {
    if (queue.peek() == STOP) {
      return true;
    }
    try {
      Thread.sleep(LINGER_MILLIS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void write(AuditRecord r) {
    if (writer == null) {
      return;
    }
    try {
      try (JsonGenerator g = JSON.createGenerator(writer)) {
        write(g, r);
      }
      writer.write('\n');
    } catch (IOException e) {
      deliver(
          new ProxyEvent.Warning("cannot write the audit log " + file.orElseThrow() + ": " + e));
    }
  }

  /**
   * One record as one JSON object, keys in the order of {@link AuditRecord}'s components; a {@code
   * null} text is left out. The time is ISO-8601 in UTC ({@link Instant#toString()}).
   */
  static void write(JsonGenerator g, AuditRecord r) throws IOException {
    g.writeStartObject();
    text(g, "time", r.time() == null ? null : r.time().toString());
    text(g, "runId", r.runId());
    text(g, "method", r.method());
    text(g, "host", r.host());
    g.writeNumberField("port", r.port());
    text(g, "path", r.path());
    text(g, "decision", r.decision());
    text(g, "reason", r.reason());
    g.writeBooleanField("credentialInjected", r.credentialInjected());
    g.writeNumberField("status", r.status());
    g.writeNumberField("bytesIn", r.bytesIn());
    g.writeNumberField("bytesOut", r.bytesOut());
    g.writeNumberField("durationMs", r.durationMs());
    g.writeEndObject();
  }

  private static void text(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private void flush() {
    if (writer != null) {
      try {
        writer.flush();
      } catch (IOException e) {
        deliver(new ProxyEvent.Warning("cannot write the audit log: " + e));
      }
    }
  }

  private void closeWriter() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        deliver(new ProxyEvent.Warning("cannot close the audit log: " + e));
      }
    }
  }

  private void deliver(ProxyEvent e) {
    try {
      listener.onEvent(e);
    } catch (RuntimeException ex) {
      // A broken listener must not stop the audit log.
    }
  }
}
