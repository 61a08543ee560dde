package io.github.zerocred.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void markdown_showsThreeWaysRatiosAndTargetVerdict() {
    Table table =
        new Table()
            .add(
                new Row(
                    1, "requests/s", 6000.0, 3000.0, 500.0, Row.Target.atLeastTimesMitmproxy(10)));

    String markdown = table.markdown();

    assertThat(markdown.lines().findFirst().orElseThrow())
        .contains("direct", "zerocred", "mitmproxy", "zerocred/direct", "zerocred/mitmproxy");
    assertThat(markdown)
        .contains(
            "| 1 | requests/s | 6000 | 3000 | 500 | 0.5× | 6× | ≥ 10× mitmproxy: **missed** |");
  }

  @Test
  void missingValues_areNotApplicable_andLeaveRatiosAndVerdictOpen() {
    Row row = new Row(6, "RSS per tunnel (KB)", null, 40.0, null, Row.Target.atMost(64, "KB"));
    Row unmeasured =
        new Row(8, "wall (ms)", 900.0, null, null, Row.Target.withinOfDirect(300, "ms"));

    String markdown = new Table().add(row).add(unmeasured).markdown();

    assertThat(row.zerocredOverDirect()).isNull();
    assertThat(row.targetMet()).isTrue();
    assertThat(markdown)
        .contains("| 6 | RSS per tunnel (KB) | n/a | 40 | n/a |  |  | ≤ 64 KB: **met** |");
    assertThat(markdown).contains("≤ direct + 300 ms: not measured");
  }

  @Test
  void addedLatencyTarget_comparesTheDifferenceWithDirect() {
    Row.Target target = Row.Target.withinOfDirect(0.3, "ms");

    assertThat(target.check().met(0.15, 0.45, null)).isTrue();
    assertThat(target.check().met(0.15, 0.46, null)).isFalse();
    assertThat(target.text()).isEqualTo("≤ direct + 0.3 ms");
  }

  @Test
  void fractionOfDirect_isInclusive() {
    Row.Target target = Row.Target.atLeastFractionOfDirect(0.5);

    assertThat(target.check().met(1000.0, 500.0, null)).isTrue();
    assertThat(target.check().met(1000.0, 499.0, null)).isFalse();
    assertThat(target.text()).isEqualTo("≥ 50% of direct");
  }

  @Test
  void number_keepsAboutThreeSignificantDigits() {
    assertThat(Table.number(6213.4)).isEqualTo("6213");
    assertThat(Table.number(12.44)).isEqualTo("12.4");
    assertThat(Table.number(1.634)).isEqualTo("1.63");
    assertThat(Table.number(0.1534)).isEqualTo("0.153");
    assertThat(Table.number(0.00421)).isEqualTo("0.00421");
    assertThat(Table.number(2.0)).isEqualTo("2");
    assertThat(Table.number(0)).isEqualTo("0");
  }
}
