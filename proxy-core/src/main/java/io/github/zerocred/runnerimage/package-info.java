/**
 * The runner image zerocred provides itself: the Claude Code native binary fetched from the npm
 * registry and checked against the registry's published {@code sha512}, cached on the host, and an
 * image built on the Docker engine from a base image, tagged after everything that went into it.
 */
package io.github.zerocred.runnerimage;
