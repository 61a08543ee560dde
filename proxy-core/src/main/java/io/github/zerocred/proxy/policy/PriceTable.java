package io.github.zerocred.proxy.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the table with Jackson's streaming parser (no object mapper: the standalone proxy does
   * not load jackson-databind). Prices are taken from the number's text, so {@code 18.75} is
   * exactly 18,750 nano-dollars per token; a price with more than three decimals is refused.
   */
  static PriceTable parse(InputStream in) throws IOException {
    Map<String, Price> map = new LinkedHashMap<>();
    String date = null;
    try (JsonParser p = new JsonFactory().createParser(in)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (key.equals("date")) {
          expect(value, JsonToken.VALUE_STRING);
          date = p.getText();
        } else if (key.equals("models")) {
          expect(value, JsonToken.START_OBJECT);
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String model = p.currentName();
            expect(p.nextToken(), JsonToken.START_OBJECT);
            map.put(model, price(p));
          }
        } else {
          p.skipChildren();
        }
      }
    }
    if (date == null || map.isEmpty()) {
      throw new IOException("model-prices.json has no date or no models");
    }
    return new PriceTable(map, date);
  }

  /** One model's prices: dollars per million tokens → nano-dollars per token. */
  private static Price price(JsonParser p) throws IOException {
    Map<String, Long> fields = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
        throw new IOException("the price " + field + " is not a number");
      }
      fields.put(field, new BigDecimal(p.getText()).movePointRight(3).longValueExact());
    }
    return new Price(
        field(fields, "input"),
        field(fields, "output"),
        field(fields, "cacheWrite5m"),
        field(fields, "cacheWrite1h"),
        field(fields, "cacheRead"));
  }

  private static long field(Map<String, Long> fields, String name) throws IOException {
    Long v = fields.get(name);
    if (v == null) {
      throw new IOException("a model has no " + name + " price");
    }
    return v;
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("model-prices.json: expected " + expected + ", found " + actual);
    }
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
