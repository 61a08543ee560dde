/** Greets. */
public final class Greeting {
  static String greet(String name) {
    return "Hello, " + name.trim();
  }
}
