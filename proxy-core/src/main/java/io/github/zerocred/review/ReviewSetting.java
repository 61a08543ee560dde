package io.github.zerocred.review;

/**
 * The settings of a review, as the core knows them. Front ends name them (a Maven parameter, a
 * command-line option, an action input) through {@link SettingNames}; the core's messages carry the
 * setting, never a front end's word for it.
 */
public enum ReviewSetting {
  WORKSPACE,
  PROMPT,
  PROMPT_FILE,
  BASE_REF,
  MODEL,
  MAX_TURNS,
  MAX_BUDGET_USD,
  MAX_API_REQUESTS,
  TIMEOUT,
  IMAGE,
  MEMORY,
  CPUS,
  ALLOWED_TOOLS,
  ALLOW_HOSTS,
  ALLOW_ENDPOINTS,
  ROUTES,
  UPSTREAM_CA,
  OUTPUT_DIRECTORY,
  FAIL_ON_ERROR,
  FAIL_ON_SEVERITY,
  /** The Claude Code OAuth token ({@code claude setup-token}). */
  OAUTH_TOKEN,
  /** The Anthropic API key. */
  API_KEY,
  /** Where the proxy runs: this process, or a container beside Claude's (a remote engine). */
  PROXY_PLACEMENT,
  /** The image that runs the proxy when it runs in a container. */
  PROXY_IMAGE,
  /** The OCI runtime of Claude's container, such as {@code runsc} (gVisor). */
  RUNTIME,
  /** The Claude Code version of the runner image zerocred builds (when no image is given). */
  CLAUDE_CODE_VERSION,
  /** The base of the runner image zerocred builds. */
  BASE_IMAGE,
  /** The npm registry Claude Code is fetched from, else npm's own configuration. */
  NPM_REGISTRY,
  /** Which of the workspace's files are copied in: those git tracks (and .git), or all. */
  WORKSPACE_FILES
}
