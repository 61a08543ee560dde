#!/usr/bin/env bash
# Runs a real zerocred review with `mvn zerocred:review`, doing all the set-up a fresh machine
# needs: a Docker engine, the runner image (built offline), the Maven plugin. Claude Code runs in
# a locked-down container against a copy of the workspace, behind the per-run
# credential-injecting proxy.
#
#   bash it/demo/review.sh                 # review the bundled sample project
#   bash it/demo/review.sh /path/to/repo   # review another checkout
#
# With CLAUDE_CODE_OAUTH_TOKEN or ANTHROPIC_API_KEY in the environment it talks to the real API.
# Without one it starts the bundled stand-in Messages API and says that this is a demo.
# Environment: ZEROCRED_IMAGE (runner image; default: the offline-built test image),
# ZEROCRED_OUTPUT_DIR (default target/zerocred-demo), ZEROCRED_PROMPT, MAVEN_LOCAL_REPOSITORY
# (your Maven local repository, read-only here; default ~/.m2/repository).
#
# The plugin is installed into a private repository under target/, never into your own: the
# sample build reads everything else from yours (Maven 3.9's maven.repo.local.tail).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
WORKSPACE=$(cd "${1:-$ROOT/it/demo/sample-project}" && pwd)
OUTPUT_DIR=${ZEROCRED_OUTPUT_DIR:-$ROOT/target/zerocred-demo}

say() { printf '[demo] %s\n' "$*" >&2; }

# shellcheck source=../../.ci/lib/docker-engine.sh
source .ci/lib/docker-engine.sh
zerocred_ensure_docker_engine

IMAGE=${ZEROCRED_IMAGE:-$(bash it/testbed/claude-image.sh)}
say "runner image: $IMAGE"

VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
REPO_ARGS=(-Dmaven.repo.local="$ROOT/target/demo-repo"
  -Dmaven.repo.local.tail="${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}")
say "building the zerocred Maven plugin $VERSION (tests skipped) into target/demo-repo"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true "${REPO_ARGS[@]}" \
  install -pl zerocred-maven-plugin -am >&2

TMP=$(mktemp -d)
STAND_IN_PID=
cleanup() {
  [ -z "$STAND_IN_PID" ] || kill "$STAND_IN_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

EXTRA=()
if [ -z "${CLAUDE_CODE_OAUTH_TOKEN:-}" ] && [ -z "${ANTHROPIC_API_KEY:-}" ]; then
  cat >&2 <<'BANNER'
================================================================================
 DEMO MODE: neither CLAUDE_CODE_OAUTH_TOKEN nor ANTHROPIC_API_KEY is set.
 zerocred runs for real (proxy, locked-down container, real Claude Code CLI), but
 the API at the other end is the bundled stand-in, and its review is canned.
 Set CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`) for a real review.
================================================================================
BANNER
  DEMO_TOKEN="sk-ant-oat01-demo-$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  ./mvnw -B -q dependency:build-classpath -pl it/testkit -Dmdep.outputFile="$TMP/cp.txt" >&2
  STAND_IN_CP="$ROOT/it/testkit/target/classes:$(cat "$TMP/cp.txt")"
  # What the stand-in answers through the built-in prompt's findings schema (a canned review).
  FINDINGS='{"summary":"Two real bugs in the discount code (stand-in demo review).","findings":[{"file":"src/Discount.java","startLine":11,"endLine":11,"severity":"high","category":"bug","title":"Loop reads past the end of THRESHOLDS","explanation":"The loop runs while `i <= THRESHOLDS.length`, so its last pass reads `THRESHOLDS[THRESHOLDS.length]`: every order throws `ArrayIndexOutOfBoundsException`. Use `i < THRESHOLDS.length`.","suggestion":"    for (int i = 0; i < THRESHOLDS.length; i++) {"},{"file":"src/Discount.java","startLine":22,"endLine":22,"severity":"medium","category":"error-handling","title":"averagePrice divides by quantity unchecked","explanation":"A quantity of 0 throws `ArithmeticException`; reject non-positive quantities with a clear message."}]}'
  STAND_IN_EXPECT_TOKEN=$DEMO_TOKEN java -cp "$STAND_IN_CP" io.github.zerocred.testkit.StandInAnthropicApi \
    --ca-file "$TMP/stand-in-ca.pem" --structured-output "$FINDINGS" >"$TMP/stand-in.json" 2>"$TMP/stand-in.log" &
  STAND_IN_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$TMP/stand-in.json" ] && break
    kill -0 "$STAND_IN_PID" 2>/dev/null || { cat "$TMP/stand-in.log" >&2; exit 1; }
    sleep 0.1
  done
  PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$TMP/stand-in.json")
  [ -n "$PORT" ] || { say "the stand-in API did not start"; exit 1; }
  say "stand-in Messages API on 127.0.0.1:$PORT"
  # The demo token comes from the environment, even if settings.xml has an `anthropic` server.
  EXTRA+=("-Dzerocred.routes=api.anthropic.com=127.0.0.1:$PORT"
    "-Dzerocred.upstreamCa=$TMP/stand-in-ca.pem" -Dzerocred.serverId=zerocred-demo-none)
  export CLAUDE_CODE_OAUTH_TOKEN=$DEMO_TOKEN
fi

PROMPT_ARGS=()
[ -z "${ZEROCRED_PROMPT:-}" ] || PROMPT_ARGS=("-Dzerocred.prompt=$ZEROCRED_PROMPT")

# The sample project's POM names the plugin; -Dzerocred.* set everything else.
status=0
./mvnw -B -ntp "${REPO_ARGS[@]}" -f it/demo/sample-project/pom.xml zerocred:review \
  -Dzerocred.version="$VERSION" -Dzerocred.workspace="$WORKSPACE" -Dzerocred.image="$IMAGE" \
  -Dzerocred.outputDirectory="$OUTPUT_DIR" \
  "${PROMPT_ARGS[@]+"${PROMPT_ARGS[@]}"}" "${EXTRA[@]+"${EXTRA[@]}"}" || status=$?

if [ -s "$OUTPUT_DIR/audit.jsonl" ]; then
  printf '\n--- audit trail (%s) ---\n' "$OUTPUT_DIR/audit.jsonl"
  cat "$OUTPUT_DIR/audit.jsonl"
fi
exit "$status"
