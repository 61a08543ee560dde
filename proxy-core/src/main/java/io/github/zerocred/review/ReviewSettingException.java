package io.github.zerocred.review;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.Objects;

/** A review setting is wrong: says which one, with the message in the front end's words. */
public final class ReviewSettingException extends InvalidConfigurationException {
  private static final long serialVersionUID = 1L;

  private final ReviewSetting setting;

  ReviewSettingException(ReviewSetting setting, String message) {
    super(message);
    this.setting = Objects.requireNonNull(setting, "setting");
  }

  ReviewSettingException(ReviewSetting setting, String message, Throwable cause) {
    super(message, cause);
    this.setting = Objects.requireNonNull(setting, "setting");
  }

  /** The setting to fix. */
  public ReviewSetting setting() {
    return setting;
  }
}
