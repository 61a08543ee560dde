/** Applies volume discounts to an order. */
public final class Discount {
  private static final int[] THRESHOLDS = {10, 50, 100};
  private static final int[] PERCENT = {5, 10, 20};

  private Discount() {}

  /** The discount in percent for {@code quantity} items. */
  static int percentFor(int quantity) {
    int percent = 0;
    for (int i = 0; i <= THRESHOLDS.length; i++) {
      if (quantity >= THRESHOLDS[i]) {
        percent = PERCENT[i];
      }
    }
    return percent;
  }

  /** The average price per item after the discount. */
  static long averagePrice(long totalCents, int quantity) {
    long discounted = totalCents * (100 - percentFor(quantity)) / 100;
    return discounted / quantity;
  }
}
