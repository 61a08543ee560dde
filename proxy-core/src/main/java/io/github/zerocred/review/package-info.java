/**
 * What every review front end shares: the built-in review prompt, parsing of durations and sizes,
 * the progress and summary lines, and the files a review leaves behind. The front ends ({@code
 * zerocred review}, {@code mvn zerocred:review}) only translate their inputs and outputs.
 */
package io.github.zerocred.review;
