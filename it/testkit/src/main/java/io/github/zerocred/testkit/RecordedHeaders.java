package io.github.zerocred.testkit;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** An immutable, ordered header multimap with case-insensitive names, as a request carried it. */
public final class RecordedHeaders {

  private final List<Map.Entry<String, String>> entries;

  private RecordedHeaders(List<Map.Entry<String, String>> entries) {
    this.entries = entries;
  }

  /** Copies the given name/value pairs, keeping their order and the names' original spelling. */
  public static RecordedHeaders of(Iterable<? extends Map.Entry<String, String>> headers) {
    List<Map.Entry<String, String>> copy = new ArrayList<>();
    for (Map.Entry<String, String> header : headers) {
      copy.add(new SimpleImmutableEntry<>(header.getKey(), header.getValue()));
    }
    return new RecordedHeaders(Collections.unmodifiableList(copy));
  }

  /** The first value of {@code name}, or {@code null} when absent. */
  public String get(String name) {
    for (Map.Entry<String, String> entry : entries) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** Every value of {@code name} in arrival order; empty when absent. */
  public List<String> getAll(String name) {
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, String> entry : entries) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        values.add(entry.getValue());
      }
    }
    return Collections.unmodifiableList(values);
  }

  /** Whether {@code name} occurs at least once. */
  public boolean contains(String name) {
    return get(name) != null;
  }

  /** The distinct names, lower-cased, in order of first occurrence. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, String> entry : entries) {
      names.add(entry.getKey().toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(names);
  }

  /** All name/value pairs in arrival order. */
  public List<Map.Entry<String, String>> entries() {
    return entries;
  }

  /** Number of name/value pairs. */
  public int size() {
    return entries.size();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
