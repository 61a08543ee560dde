package io.github.zerocred.review;

/**
 * How a front end calls each {@link ReviewSetting} in its messages: {@code timeout
 * (zerocred.timeout)}, {@code --timeout}, {@code timeout_minutes}. An exhaustive {@code switch} in
 * each front end, so that a new setting does not compile until every front end names it.
 */
@FunctionalInterface
public interface SettingNames {
  String of(ReviewSetting setting);
}
