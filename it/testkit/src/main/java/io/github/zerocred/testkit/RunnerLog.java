package io.github.zerocred.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a step's output the way the GitHub Actions runner does, to tell which lines it would act
 * on: lines end at {@code \n} or {@code \r}; a line whose text, leading blanks trimmed, starts with
 * {@code ::name ...::} is a command, and so is a line holding {@code ##[name]} anywhere (the legacy
 * form); after {@code ::stop-commands::TOKEN} nothing but {@code ::TOKEN::} is acted on. (From the
 * runner's ActionCommand and ActionCommandManager.)
 */
public final class RunnerLog {
  /** A command the runner would act on: its name and its raw data. */
  public record Command(String name, String data) {}

  /**
   * Text a hostile agent would print: every command form, a forged stop and resume, a carriage
   * return that starts a new line for the runner, a legacy command mid-line.
   */
  public static final String FORGED =
      String.join(
          "\n",
          "Review done.",
          "::error::forged error",
          "::add-mask::PATH",
          "  ::notice title=forged::indented",
          "::stop-commands::attacker",
          "::attacker::",
          "carriage\r::warning::after a carriage return",
          "legacy ##[error]anywhere in a line",
          "##[warning]legacy form",
          "::set-output name=conclusion::forged");

  private RunnerLog() {}

  /** The commands the runner would act on, in order, reading {@code output} as a step's log. */
  public static List<Command> commands(String output) {
    List<Command> commands = new ArrayList<>();
    String stopToken = null;
    for (String line : output.split("\r\n|\r|\n", -1)) {
      Command c = parse(line);
      if (c == null) {
        continue;
      }
      if (stopToken != null) {
        if (c.name().equalsIgnoreCase(stopToken)) {
          stopToken = null;
          commands.add(c);
        }
        continue;
      }
      if (c.name().equalsIgnoreCase("stop-commands")) {
        stopToken = c.data();
      }
      commands.add(c);
    }
    return commands;
  }

  private static Command parse(String line) {
    String t = line.stripLeading();
    if (t.startsWith("::")) {
      int end = t.indexOf("::", 2);
      if (end > 2) {
        String info = t.substring(2, end);
        int space = info.indexOf(' ');
        return new Command(
            (space < 0 ? info : info.substring(0, space)).toLowerCase(Locale.ROOT),
            t.substring(end + 2));
      }
    }
    int legacy = line.indexOf("##[");
    if (legacy >= 0) {
      int rb = line.indexOf(']', legacy);
      if (rb > legacy) {
        String info = line.substring(legacy + 3, rb);
        int space = info.indexOf(' ');
        return new Command(
            (space < 0 ? info : info.substring(0, space)).toLowerCase(Locale.ROOT),
            line.substring(rb + 1));
      }
    }
    return null;
  }
}
