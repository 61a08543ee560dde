package io.github.zerocred.run;

/**
 * Tokens counted by the API, as Claude Code reports them.
 *
 * @param inputTokens uncached input tokens
 * @param outputTokens generated tokens
 * @param cacheCreationInputTokens input tokens written to the prompt cache
 * @param cacheReadInputTokens input tokens read from the prompt cache
 */
public record TokenUsage(
    long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens) {

  /** No tokens at all. */
  public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);

  /** The sum of both. */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cacheCreationInputTokens + other.cacheCreationInputTokens,
        cacheReadInputTokens + other.cacheReadInputTokens);
  }

  /** Every input and output token, cached or not. */
  public long total() {
    return inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens;
  }
}
