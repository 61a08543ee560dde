package io.github.zerocred.testkit;

/**
 * Decides a {@link StandInServer}'s response to a fully received request. Runs on the server's
 * event loop: it must return quickly and never block (use {@link StandInResponse#sseHeld} to make a
 * response wait for a test).
 */
@FunctionalInterface
public interface StandInHandler {

  /** Returns the response for {@code request}; an exception becomes a 500 response. */
  StandInResponse respond(RecordedRequest request);
}
