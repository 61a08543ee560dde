#!/usr/bin/env bash
# Runs every test, doing all the set-up a fresh machine needs (run as root, or as a user who may
# use Docker): a Docker engine, the offline runner and action base images, the pinned Claude Code
# CLI on the host, then the Maven build (unit, socket-level and end-to-end tests, formatting and
# leak checks) and, on a full run, the release build's check (it/testbed/release-check.sh).
#
#   bash it/run-tests.sh                 # everything
#   bash it/run-tests.sh -pl proxy-core -am   # extra arguments go to Maven
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=../.ci/lib/docker-engine.sh
source .ci/lib/docker-engine.sh
zerocred_ensure_docker_engine
# gVisor, for the end-to-end tests that run under runtime=runsc (GVisor*Test).
zerocred_ensure_runsc

ZEROCRED_CLAUDE_BIN=$(bash it/testbed/claude-cli.sh)
export ZEROCRED_CLAUDE_BIN
# zerocred's own runner image build (`zerocred image build`, so it builds zerocred.jar first) on
# the offline Debian base; the binary it verifies is cached for the first-review tests.
ZEROCRED_TEST_IMAGE=$(bash it/testbed/claude-image.sh)
export ZEROCRED_TEST_IMAGE
# The action image's base (Debian + JRE, the slow part); the tests add the freshly built jar.
bash it/testbed/action-image.sh --base-only >/dev/null
echo "[tests] Claude Code CLI: $ZEROCRED_CLAUDE_BIN" >&2
echo "[tests] runner image:    $ZEROCRED_TEST_IMAGE" >&2

./mvnw -B verify "$@"

# The full run also checks the release build (a throwaway signing key, tests skipped, no test
# set-up): every file Maven Central requires is produced and signed.
if [ "$#" -eq 0 ]; then
  bash it/testbed/release-check.sh
fi
