/** The ephemeral credential-injecting HTTPS proxy. */
package io.github.zerocred.proxy;
