package io.github.zerocred.proxy;

import java.math.BigDecimal;

/**
 * What the proxy measured of the run's Messages traffic: spend priced from the responses' usage,
 * independent of what Claude Code reports about itself.
 *
 * @param costUsd spend at list prices, in US dollars
 * @param requests Messages requests forwarded upstream
 * @param inputTokens uncached input tokens
 * @param outputTokens output tokens
 * @param cacheWriteTokens input tokens written to the prompt cache
 * @param cacheReadTokens input tokens read from the prompt cache
 * @param refusedOverBudget Messages requests refused because the budget was spent
 * @param refusedOverRequestCap Messages requests refused because the request cap was reached
 */
public record ProxyUsage(
    BigDecimal costUsd,
    long requests,
    long inputTokens,
    long outputTokens,
    long cacheWriteTokens,
    long cacheReadTokens,
    long refusedOverBudget,
    long refusedOverRequestCap) {

  /** Whether the proxy stopped the run's API use because of the budget or the request cap. */
  public boolean limitReached() {
    return refusedOverBudget > 0 || refusedOverRequestCap > 0;
  }
}
