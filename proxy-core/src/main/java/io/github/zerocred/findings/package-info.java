/**
 * Structured review findings: the model Claude fills in through Claude Code's structured output,
 * its JSON schema, tolerant parsing, and the {@code findings.json} and SARIF 2.1.0 outputs.
 */
package io.github.zerocred.findings;
