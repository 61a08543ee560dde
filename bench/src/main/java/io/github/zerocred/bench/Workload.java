package io.github.zerocred.bench;

/**
 * One part of the benchmark, named for what it measures: it drives the same traffic through every
 * way of a {@link BenchContext} and adds its figures to the table, under its number.
 */
abstract class Workload {
  private final int number;

  Workload(int number) {
    this.number = number;
  }

  /** The table's {@code #} column and what {@code --only} selects it by (0: always runs). */
  final int number() {
    return number;
  }

  /** What {@code --only} also accepts, besides the number: the class's simple name. */
  final String name() {
    return getClass().getSimpleName();
  }

  /** Measures through every way and adds the rows (and any notes); may throw, the run goes on. */
  abstract void run(BenchContext bench) throws Exception;
}
