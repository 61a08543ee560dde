/** Counts requests. */
public final class Counter {
  private int count;

  /** Called from many threads. */
  public int next() {
    return count++;
  }
}
