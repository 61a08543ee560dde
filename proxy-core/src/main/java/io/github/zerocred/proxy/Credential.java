package io.github.zerocred.proxy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One real credential, the hosts it is injected for, and the placeholder the container gets in its
 * place. The kind is decided by the token's own prefix, never by where it came from, so an API key
 * pasted into the OAuth variable still goes out as {@code x-api-key}.
 */
public final class Credential {

  /** What a credential is, which decides the header it travels in. */
  public enum Kind {
    /** {@code sk-ant-oat01-…}, from {@code claude setup-token}: {@code Authorization: Bearer}. */
    ANTHROPIC_OAUTH_TOKEN("CLAUDE_CODE_OAUTH_TOKEN"),
    /** {@code sk-ant-api03-…}, from the Console: {@code x-api-key}. */
    ANTHROPIC_API_KEY("ANTHROPIC_API_KEY"),
    /** A GitHub token: Bearer for the REST API, Basic {@code x-access-token} for git over HTTPS. */
    GITHUB_TOKEN("GITHUB_TOKEN");

    private final String variable;

    Kind(String variable) {
      this.variable = variable;
    }

    /** The environment variable the container finds the placeholder in. */
    public String variable() {
      return variable;
    }
  }

  /** A header set on requests to one host: the injection itself. */
  public record Injection(String host, String headerName, Secret headerValue) {
    public Injection {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(headerName, "headerName");
      Objects.requireNonNull(headerValue, "headerValue");
    }
  }

  /** A form of the secret that may come back in a response, and the same-length stand-in for it. */
  public record Redaction(byte[] secret, byte[] replacement) {
    public Redaction {
      if (secret.length != replacement.length || secret.length == 0) {
        throw new IllegalArgumentException("a redaction must keep the length");
      }
    }
  }

  public static final String ANTHROPIC_HOST = "api.anthropic.com";
  public static final String GITHUB_API_HOST = "api.github.com";
  public static final String GITHUB_GIT_HOST = "github.com";

  static final String OAUTH_PREFIX = "sk-ant-oat01-";
  static final String API_KEY_PREFIX = "sk-ant-api03-";
  private static final List<String> GITHUB_PREFIXES =
      List.of("github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_");
  private static final String MARKER = "zerocred_placeholder_";
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Kind kind;
  private final Secret secret;
  private final String placeholder;
  private final List<Injection> injections;

  private Credential(Kind kind, Secret secret, String prefix, List<String[]> hostsAndHeaders) {
    this.kind = kind;
    this.secret = secret;
    this.placeholder = placeholderFor(secret.reveal(), prefix);
    List<Injection> list = new ArrayList<>();
    for (String[] h : hostsAndHeaders) {
      list.add(new Injection(h[0], h[1], Secret.of(h[2])));
    }
    this.injections = List.copyOf(list);
  }

  /**
   * An Anthropic credential, whose kind follows from its prefix.
   *
   * @param value the token or key
   * @param source what the user must fix if it is malformed, e.g. {@code CLAUDE_CODE_OAUTH_TOKEN}
   * @throws InvalidConfigurationException if it is neither an OAuth token nor an API key
   */
  public static Credential anthropic(String value, String source) {
    String v = requireTokenShape(value, source);
    if (v.startsWith(OAUTH_PREFIX) && v.length() > OAUTH_PREFIX.length() + 8) {
      return new Credential(
          Kind.ANTHROPIC_OAUTH_TOKEN,
          Secret.of(v),
          OAUTH_PREFIX,
          List.<String[]>of(new String[] {ANTHROPIC_HOST, "authorization", "Bearer " + v}));
    }
    if (v.startsWith(API_KEY_PREFIX) && v.length() > API_KEY_PREFIX.length() + 8) {
      return new Credential(
          Kind.ANTHROPIC_API_KEY,
          Secret.of(v),
          API_KEY_PREFIX,
          List.<String[]>of(new String[] {ANTHROPIC_HOST, "x-api-key", v}));
    }
    throw new InvalidConfigurationException(
        source
            + " is not an Anthropic credential: expected an OAuth token ("
            + OAUTH_PREFIX
            + "…, made with `claude setup-token`) or an API key ("
            + API_KEY_PREFIX
            + "…)");
  }

  /**
   * A GitHub token, injected as Bearer for the REST API host and as Basic {@code x-access-token}
   * for git over HTTPS.
   */
  public static Credential github(String value, String source, String apiHost, String gitHost) {
    String v = requireTokenShape(value, source);
    String prefix = GITHUB_PREFIXES.stream().filter(v::startsWith).findFirst().orElse("");
    String basic =
        Base64.getEncoder()
            .encodeToString(("x-access-token:" + v).getBytes(StandardCharsets.US_ASCII));
    return new Credential(
        Kind.GITHUB_TOKEN,
        Secret.of(v),
        prefix,
        List.of(
            new String[] {normaliseHost(apiHost, source), "authorization", "Bearer " + v},
            new String[] {normaliseHost(gitHost, source), "authorization", "Basic " + basic}));
  }

  /** A GitHub token for github.com. */
  public static Credential github(String value, String source) {
    return github(value, source, GITHUB_API_HOST, GITHUB_GIT_HOST);
  }

  public Kind kind() {
    return kind;
  }

  public Secret secret() {
    return secret;
  }

  /** The value the container holds instead: same length and prefix, never the secret. */
  public String placeholder() {
    return placeholder;
  }

  /** The variable the container reads the placeholder from. */
  public String variable() {
    return kind.variable();
  }

  public List<Injection> injections() {
    return injections;
  }

  /** Every form in which this secret could come back, each with its same-length stand-in. */
  public List<Redaction> redactions() {
    List<Redaction> list = new ArrayList<>();
    list.add(new Redaction(secret.revealBytes(), placeholder.getBytes(StandardCharsets.US_ASCII)));
    if (kind == Kind.GITHUB_TOKEN) {
      Base64.Encoder b64 = Base64.getEncoder();
      list.add(
          new Redaction(
              b64.encode(("x-access-token:" + secret.reveal()).getBytes(StandardCharsets.US_ASCII)),
              b64.encode(("x-access-token:" + placeholder).getBytes(StandardCharsets.US_ASCII))));
    }
    return List.copyOf(list);
  }

  @Override
  public String toString() {
    return "Credential[" + kind + " for " + injections.stream().map(Injection::host).toList() + "]";
  }

  private static String requireTokenShape(String value, String source) {
    if (value == null || value.isBlank()) {
      throw new InvalidConfigurationException(source + " is empty");
    }
    String v = value.strip();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        // Never echo the value: say where, not what.
        throw new InvalidConfigurationException(
            source
                + " contains a character that cannot be part of a token (position "
                + (i + 1)
                + "); paste the token again without quotes or line breaks");
      }
    }
    if (v.length() < 16) {
      throw new InvalidConfigurationException(
          source + " is too short to be a token (" + v.length() + " characters)");
    }
    return v;
  }

  static String normaliseHost(String host, String source) {
    try {
      return HostNames.normalise(host);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(source + ": " + e.getMessage(), e);
    }
  }

  private static String placeholderFor(String secret, String prefix) {
    int randomLength = secret.length() - prefix.length();
    StringBuilder sb = new StringBuilder(secret.length()).append(prefix);
    String marker = randomLength >= MARKER.length() + 8 ? MARKER : "";
    sb.append(marker);
    while (sb.length() < secret.length()) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    String p = sb.toString();
    // A collision with the secret is astronomically unlikely; never risk handing out the secret.
    return p.equals(secret) ? placeholderFor(secret, prefix) : p;
  }
}
