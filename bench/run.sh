#!/usr/bin/env bash
# Benchmarks zerocred side by side with a direct connection and with mitmproxy, on loopback only.
#
#   bash bench/run.sh            # full run (about 5 minutes of workloads), rewrites bench/RESULTS.md
#   bash bench/run.sh --quick    # shorter runs, smaller transfers, for trying changes out
#   bash bench/run.sh --only 1,MessagesBodyCheck   # some workloads, by number or name
#
# Installs what it needs on a Debian machine (mitmproxy from Debian's packages, the pinned Claude
# Code CLI from npm), builds the project with the Maven wrapper, then runs the load generator
# (bench/target/zerocred-bench.jar), which starts the stand-in upstream, `zerocred proxy` and
# mitmproxy itself, prints the Markdown table and writes it to bench/RESULTS.md (the hand-written
# analysis below the table is kept). Environment: BENCH_RESULTS (default bench/RESULTS.md; empty
# for none), BENCH_SKIP_BUILD=1 to reuse the built jars; for workloads 11-13 (the whole review:
# `zerocred review`, the action image, `mvn zerocred:review`, on the engine with the runner image)
# BENCH_REVIEW=0 skips them, BENCH_REVIEW_BASELINE=JAR adds an older build beside this one (its own
# action image too), BENCH_REVIEW_LAUNCHER=CMD names the launcher variant (default: the
# launcher built beside the jar; empty for none).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${BENCH_RESULTS-$BENCH_DIR/RESULTS.md}

say() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf '[bench] ERROR: %s\n' "$*" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    return 1
  fi
}

command -v java >/dev/null 2>&1 || die "a JDK 17+ is needed (java not found)"

if ! command -v mitmdump >/dev/null 2>&1; then
  say "installing mitmproxy from Debian's packages"
  if ! { as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mitmproxy >/dev/null; }; then
    say "could not install mitmproxy: its column will be empty"
  fi
fi
MITMDUMP=$(command -v mitmdump || true)

CLAUDE_BIN=${ZEROCRED_CLAUDE_BIN:-}
if [ -z "$CLAUDE_BIN" ]; then
  say "locating the pinned Claude Code CLI (installs it with npm once)"
  CLAUDE_BIN=$(bash "$ROOT/it/testbed/claude-cli.sh") || {
    say "no Claude Code CLI: workload 8 will be skipped"
    CLAUDE_BIN=
  }
fi

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  say "building (tests skipped; the benchmarks never run inside Maven)"
  (cd "$ROOT" && ./mvnw -B -q -pl bench,zerocred-action -am package -DskipTests) ||
    die "the build failed"
fi
BENCH_JAR=$ROOT/bench/target/zerocred-bench.jar
ZEROCRED_JAR=$ROOT/zerocred-action/target/zerocred.jar
[ -f "$BENCH_JAR" ] && [ -f "$ZEROCRED_JAR" ] || die "missing $BENCH_JAR or $ZEROCRED_JAR"

COMMIT=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# The results file itself does not make the measured code "uncommitted".
if [ "$COMMIT" != unknown ] &&
  [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- . ':!bench/RESULTS.md' 2>/dev/null)" ]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi

WORK=$(mktemp -d -t zerocred-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# How the launcher (zerocred-action/target/zerocred) runs the standalone proxy: a heap and
# collector sized for a proxy, and a class-data-sharing archive of the classes a start loads, dumped
# (-Xshare:dump) from the class list of one training start, as the launcher does on its second
# start. Workload 7 also starts the proxy without any of these, for the comparison.
CDS_ARCHIVE=$WORK/zerocred.jsa
CDS_CLASSLIST=$WORK/zerocred.classlist
LAUNCH_OPTIONS=(-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MaxDirectMemorySize=512m -Xss512k -Dio.netty.allocator.maxOrder=7)
say "training start of zerocred proxy for the class-data-sharing archive"
mkdir -p "$WORK/cds-training"
(
  export CLAUDE_CODE_OAUTH_TOKEN="sk-ant-oat01-training$(printf 'x%.0s' {1..80})"
  java "${LAUNCH_OPTIONS[@]}" -XX:DumpLoadedClassList="$CDS_CLASSLIST" -jar "$ZEROCRED_JAR" proxy \
    --listen 127.0.0.1:0 --ready-file "$WORK/cds-training/ready.json" \
    >"$WORK/cds-training/stdout.log" 2>"$WORK/cds-training/stderr.log" &
  pid=$!
  for _ in $(seq 600); do
    [ -e "$WORK/cds-training/ready.json" ] && break
    sleep 0.1
  done
  kill -TERM "$pid"
  wait "$pid" || true
)
[ -s "$CDS_CLASSLIST" ] || die "the training start made no class list: $(cat "$WORK/cds-training/stderr.log")"
java "${LAUNCH_OPTIONS[@]}" -Xshare:dump -XX:SharedClassListFile="$CDS_CLASSLIST" \
  -XX:SharedArchiveFile="$CDS_ARCHIVE" -cp "$ZEROCRED_JAR" >"$WORK/cds-training/dump.log" 2>&1 ||
  die "the archive dump failed: $(tail -5 "$WORK/cds-training/dump.log")"
[ -s "$CDS_ARCHIVE" ] || die "the archive dump made no archive: $(tail -5 "$WORK/cds-training/dump.log")"

args=(--zerocred-jar "$ZEROCRED_JAR" --work "$WORK" --commit "$COMMIT" --compare-jdk-tls)
for option in "${LAUNCH_OPTIONS[@]}" -XX:SharedArchiveFile="$CDS_ARCHIVE"; do
  args+=(--zerocred-jvm-option "$option")
done
[ -n "$MITMDUMP" ] && args+=(--mitmdump "$MITMDUMP" --mitm-addon "$BENCH_DIR/mitm_inject.py")
[ -n "$CLAUDE_BIN" ] && args+=(--claude "$CLAUDE_BIN")
[ -n "$RESULTS" ] && args+=(--results "$RESULTS")

# Workloads 11-13, the whole review from process start, need the engine and the runner image (as
# the end-to-end tests do). Variants run in turn, rounds interleaved: this build with the JVM's
# defaults (how `java -jar zerocred.jar review` runs), with C1 and the serial collector, and with the
# proxy's launch options and CDS archive; the action image made from this jar (its entrypoint has
# its own options); Maven with default and C1 MAVEN_OPTS.
if [ "${BENCH_REVIEW:-1}" != 0 ] && docker info >/dev/null 2>&1; then
  REVIEW_IMAGE=${ZEROCRED_TEST_IMAGE:-$(bash "$ROOT/it/testbed/claude-image.sh" || true)}
  if [ -n "$REVIEW_IMAGE" ]; then
    C1="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    args+=(--review-image "$REVIEW_IMAGE" --review-repo-root "$ROOT" --review-mvn "$ROOT/mvnw")
    args+=(--review-cli "defaults=$ZEROCRED_JAR" --review-cli "C1=$ZEROCRED_JAR $C1")
    args+=(--review-cli "launch options+CDS=$ZEROCRED_JAR ${LAUNCH_OPTIONS[*]} -XX:SharedArchiveFile=$CDS_ARCHIVE")
    # The launcher built beside the jar (its options and per-user archive), unless told otherwise.
    LAUNCHER=${BENCH_REVIEW_LAUNCHER-$ROOT/zerocred-action/target/zerocred}
    [ -n "$LAUNCHER" ] && [ -x "$LAUNCHER" ] && args+=(--review-cli "launcher=launcher:$LAUNCHER")
    if [ -n "${BENCH_REVIEW_BASELINE:-}" ]; then
      args+=(--review-cli "baseline=$BENCH_REVIEW_BASELINE")
    fi
    if ACTION_IMAGE=$(bash "$ROOT/it/testbed/action-image.sh" "$ZEROCRED_JAR"); then
      args+=(--review-action "action=$ACTION_IMAGE")
      if [ -n "${BENCH_REVIEW_BASELINE:-}" ] &&
        BASELINE_ACTION=$(bash "$ROOT/it/testbed/action-image.sh" "$BENCH_REVIEW_BASELINE"); then
        args+=(--review-action "baseline=$BASELINE_ACTION")
      fi
    else
      say "no action image: workload 12 will be skipped"
    fi
    args+=(--review-maven "defaults=" --review-maven "C1=$C1")
  else
    say "no runner image: workloads 11-13 will be skipped"
  fi
fi
args+=("$@")

# The load generator and the upstream share this JVM (so SSE events can be timed end to end); a
# fixed heap keeps its garbage collector from resizing in the middle of a workload.
say "running the workloads"
java -Xms512m -Xmx512m -XX:+UseParallelGC -jar "$BENCH_JAR" "${args[@]}"

# The copy of a 50,000-file, ~500 MB checkout (a git repository with untracked build output,
# generated under $WORK) into containers on the engine, against `tar -c | docker cp -` of the same
# tree, and the tracked files against every file; then the tar stream with and without the secret
# scan (BENCH_COPY_IN=0 skips it; without a reachable engine only the scan rows are measured).
# Streaming: a small heap is enough.
if [ "${BENCH_COPY_IN:-1}" != 0 ]; then
  say "copy-in: the checkout into containers, against tar | docker cp"
  copy_in=(--work "$WORK")
  docker info >/dev/null 2>&1 || copy_in+=(--no-engine)
  java -Xmx256m -cp "$BENCH_JAR" io.github.zerocred.bench.CopyInBench "${copy_in[@]}"
fi

# Whole sandboxed runs on the engine (BENCH_ENGINE_RUNS=1; needs root, the engine and the runner
# image, as the end-to-end tests do): 40 stand-in reviews at once against one alone, and one under
# gVisor (runsc, registered here if missing) against runc. Each run's container has 512 MiB.
if [ "${BENCH_ENGINE_RUNS:-0}" = 1 ]; then
  # shellcheck source=../.ci/lib/docker-engine.sh
  source "$ROOT/.ci/lib/docker-engine.sh"
  zerocred_ensure_docker_engine && zerocred_ensure_runsc || die "no engine with runsc"
  IMAGE=${ZEROCRED_TEST_IMAGE:-$(bash "$ROOT/it/testbed/claude-image.sh")}
  say "engine runs: ${BENCH_ENGINE_RUNS_N:-40} at once against one alone; runsc against runc"
  java -Xmx1g -cp "$BENCH_JAR" io.github.zerocred.bench.EngineRunsBench --image "$IMAGE" \
    --runs "${BENCH_ENGINE_RUNS_N:-40}"
fi
