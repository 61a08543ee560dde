package io.github.zerocred.proxy.policy;

import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.ProxyUsage;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The run's spend and call count, shared by every connection (hence atomics: connections live on
 * different event loops). The budget is checked before a request is forwarded and charged when its
 * response ends, so requests already in flight when the budget is reached still finish; every later
 * one is refused without reaching upstream.
 */
public final class RunSpend {
  private final PriceTable prices;
  private final long budgetNanos;
  private final long maxRequests;
  private final AtomicLong spentNanos = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong input = new AtomicLong();
  private final AtomicLong output = new AtomicLong();
  private final AtomicLong cacheWrite = new AtomicLong();
  private final AtomicLong cacheRead = new AtomicLong();
  private final AtomicLong refusedOverBudget = new AtomicLong();
  private final AtomicLong refusedOverCap = new AtomicLong();

  public RunSpend(ApiPolicy policy, PriceTable prices) {
    this.prices = prices;
    this.budgetNanos =
        policy
            .maxBudgetUsd()
            .map(b -> b.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING))
            .map(b -> b.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact())
            .orElse(Long.MAX_VALUE);
    this.maxRequests = policy.maxRequests().isPresent() ? policy.maxRequests().getAsInt() : -1;
  }

  /** Refuses (and counts the refusal) when the budget is spent already, before any body is read. */
  public Optional<Refusal> refuseIfSpent() {
    if (spentNanos.get() < budgetNanos) {
      return Optional.empty();
    }
    refusedOverBudget.incrementAndGet();
    return Optional.of(budgetRefusal());
  }

  private Refusal budgetRefusal() {
    return Refusal.permission(
        "budget_exceeded",
        "this run's budget is spent ($"
            + usd(spentNanos.get()).toPlainString()
            + " measured at the proxy); no further API calls are forwarded");
  }

  /**
   * Takes one Messages request slot, or says why not. A refusal is counted, so that the run can
   * tell it ended on a limit.
   */
  public Optional<Refusal> admit() {
    if (spentNanos.get() >= budgetNanos) {
      refusedOverBudget.incrementAndGet();
      return Optional.of(budgetRefusal());
    }
    if (maxRequests >= 0 && requests.incrementAndGet() > maxRequests) {
      requests.decrementAndGet();
      refusedOverCap.incrementAndGet();
      return Optional.of(
          Refusal.permission(
              "request_limit_reached",
              "this run's cap of " + maxRequests + " API calls is reached"));
    }
    if (maxRequests < 0) {
      requests.incrementAndGet();
    }
    return Optional.empty();
  }

  /** Adds what one response reported; {@code requestModel} prices it if the response named none. */
  public void charge(Usage usage, String requestModel) {
    if (usage.isEmpty()) {
      return;
    }
    long cost;
    try {
      cost = prices.costNanos(usage, requestModel);
    } catch (ArithmeticException e) {
      cost = Long.MAX_VALUE; // absurd usage figures: treat the budget as spent
    }
    long c = cost;
    spentNanos.accumulateAndGet(c, RunSpend::saturatingAdd);
    input.accumulateAndGet(usage.input(), RunSpend::saturatingAdd);
    output.accumulateAndGet(usage.output(), RunSpend::saturatingAdd);
    cacheWrite.accumulateAndGet(usage.cacheWrite(), RunSpend::saturatingAdd);
    cacheRead.accumulateAndGet(usage.cacheRead(), RunSpend::saturatingAdd);
  }

  /** A snapshot for the run's report. */
  public ProxyUsage snapshot() {
    return new ProxyUsage(
        usd(spentNanos.get()),
        requests.get(),
        input.get(),
        output.get(),
        cacheWrite.get(),
        cacheRead.get(),
        refusedOverBudget.get(),
        refusedOverCap.get());
  }

  private static BigDecimal usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().max(BigDecimal.ZERO);
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
