/**
 * Which files of a checkout go into the container: the files git tracks (read from {@code
 * .git/index} in Java, with hard bounds, never by running git on the checkout) plus {@code .git},
 * or every file.
 */
package io.github.zerocred.workspace;
