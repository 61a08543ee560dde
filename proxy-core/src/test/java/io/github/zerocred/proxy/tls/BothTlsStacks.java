package io.github.zerocred.proxy.tls;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a test once on the native TLS stack and once on the JDK's: both must give the same
 * guarantees. NATIVE fails (does not skip) where the native library cannot load.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@EnumSource(
    value = TlsImplementation.class,
    names = {"NATIVE", "JDK"})
public @interface BothTlsStacks {}
