package io.github.zerocred.proxy.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.zerocred.proxy.AuditRecord;
import io.github.zerocred.proxy.ProxyEvent;
import io.github.zerocred.proxy.ProxyListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
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

  /** Straight into the buffered file writer: no String per record, no flush per record. */
  private static final ObjectWriter LINE =
      JSON.writerFor(AuditRecord.class)
          .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

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

  /** The encoding used for each line, exposed so readers of the log parse it the same way. */
  public static ObjectMapper json() {
    return JSON;
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
      LINE.writeValue(writer, r);
      writer.write('\n');
    } catch (IOException e) {
      deliver(
          new ProxyEvent.Warning("cannot write the audit log " + file.orElseThrow() + ": " + e));
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
