package io.github.zerocred.proxy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-model list prices, from the {@code model-prices.json} resource beside this class (which
 * records their date and source). A model no entry matches is priced as the most expensive one: an
 * unknown name must never make a run look cheaper than it is.
 */
public final class PriceTable {
  /** Prices in nano-dollars per token: exact integers for every list price in the table. */
  public record Price(
      long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) {}

  private final Map<String, Price> byPrefix;
  private final Price mostExpensive;
  private final String date;

  private PriceTable(Map<String, Price> byPrefix, String date) {
    this.byPrefix = Map.copyOf(byPrefix);
    this.date = date;
    this.mostExpensive =
        byPrefix.values().stream()
            .max(Comparator.comparingLong(Price::output).thenComparingLong(Price::input))
            .orElseThrow();
  }

  /** The table shipped with this build. */
  public static PriceTable load() {
    try (InputStream in = PriceTable.class.getResourceAsStream("model-prices.json")) {
      if (in == null) {
        throw new IllegalStateException("model-prices.json is missing from the build");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, Price> map = new LinkedHashMap<>();
      root.get("models")
          .fields()
          .forEachRemaining(
              e ->
                  map.put(
                      e.getKey(),
                      new Price(
                          nanos(e.getValue(), "input"),
                          nanos(e.getValue(), "output"),
                          nanos(e.getValue(), "cacheWrite5m"),
                          nanos(e.getValue(), "cacheWrite1h"),
                          nanos(e.getValue(), "cacheRead"))));
      return new PriceTable(map, root.get("date").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Dollars per million tokens → nano-dollars per token. */
  private static long nanos(JsonNode model, String field) {
    return new BigDecimal(model.get(field).asText()).movePointRight(3).longValueExact();
  }

  /** The date the prices were taken. */
  public String date() {
    return date;
  }

  /** The price for {@code model} (longest matching prefix), or the most expensive one. */
  public Price priceOf(String model) {
    if (model == null) {
      return mostExpensive;
    }
    String m = model.toLowerCase(Locale.ROOT);
    String best = null;
    for (String prefix : byPrefix.keySet()) {
      if ((m.equals(prefix) || m.startsWith(prefix + "-") || m.startsWith(prefix + "@"))
          && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return best == null ? mostExpensive : byPrefix.get(best);
  }

  /** What {@code usage} costs, in nano-dollars. */
  public long costNanos(Usage usage, String fallbackModel) {
    Price p = priceOf(usage.model() != null ? usage.model() : fallbackModel);
    long write1h = Math.min(usage.cacheWrite1h(), usage.cacheWrite());
    long write5m = usage.cacheWrite() - write1h;
    return Math.addExact(
        Math.addExact(
            Math.multiplyExact(usage.input(), p.input()),
            Math.multiplyExact(usage.output(), p.output())),
        Math.addExact(
            Math.addExact(
                Math.multiplyExact(write5m, p.cacheWrite5m()),
                Math.multiplyExact(write1h, p.cacheWrite1h())),
            Math.multiplyExact(usage.cacheRead(), p.cacheRead())));
  }
}
