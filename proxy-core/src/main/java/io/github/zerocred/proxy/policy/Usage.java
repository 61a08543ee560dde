package io.github.zerocred.proxy.policy;

/**
 * The token usage one Messages response reported.
 *
 * @param model the model that answered, or {@code null} if the response did not say
 * @param input uncached input tokens
 * @param output output tokens
 * @param cacheWrite input tokens written to the prompt cache (both lifetimes)
 * @param cacheWrite1h of those, the ones written with the one-hour lifetime
 * @param cacheRead input tokens read from the prompt cache
 */
public record Usage(
    String model, long input, long output, long cacheWrite, long cacheWrite1h, long cacheRead) {
  public static final Usage NONE = new Usage(null, 0, 0, 0, 0, 0);

  /** Whether it reports any tokens at all. */
  public boolean isEmpty() {
    return input == 0 && output == 0 && cacheWrite == 0 && cacheRead == 0;
  }
}
