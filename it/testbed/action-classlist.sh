#!/usr/bin/env bash
# Regenerates the class list the action image's class-data-sharing archive is dumped from
# (zerocred-action/src/main/cds/action.classlist; the Dockerfile and its offline twin dump it with
# -Xshare:dump at image build). Run it after code changes when ActionClassDataTest says the list no
# longer covers what an action run loads, and commit the list.
#
#   bash it/testbed/action-classlist.sh
#
# End to end, with the set-up of it/run-tests.sh (engine, runner image, Claude Code CLI): builds
# zerocred.jar and the test action image, runs ActionClassDataTest with
# ZEROCRED_WRITE_ACTION_CLASSLIST set (two real action reviews against the stand-in APIs, the JVM
# told by JAVA_TOOL_OPTIONS to -XX:DumpLoadedClassList; the union of both is written), then runs
# the test again on an image rebuilt from the new list (it must map the archive and cover the run).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

readonly LIST=zerocred-action/src/main/cds/action.classlist
readonly TEST_ARGS=(-pl it -am -Dtest=ActionClassDataTest -Dsurefire.failIfNoSpecifiedTests=false
  -DskipITs -Dinvoker.skip=true)

echo "[action-classlist] recording the classes of two action runs into $LIST" >&2
ZEROCRED_WRITE_ACTION_CLASSLIST="$PWD/$LIST" bash it/run-tests.sh "${TEST_ARGS[@]}"
echo "[action-classlist] checking an image built from the new list" >&2
bash it/run-tests.sh "${TEST_ARGS[@]}"
echo "[action-classlist] done: $(grep -vc '^#' "$LIST") lines in $LIST; review and commit it" >&2
