#!/usr/bin/env bash
# Builds the Docker image the GitHub Action tests run, with no image registry: the offline twin of
# the repository root's Dockerfile (whose build stage needs a registry's JDK image).
#
#   1. a Debian minimal root filesystem with a headless JRE, made with debootstrap (from the Debian
#      mirror this machine's apt already uses) and imported with `docker import` as the base image;
#   2. action-image.Dockerfile on top: zerocred.jar at /opt/zerocred/, the CDS archive dumped from the
#      committed class list (zerocred-action/src/main/cds/action.classlist) and the production
#      entrypoint.
#
#   bash it/testbed/action-image.sh --base-only          # prepare the base (slow part) only
#   ZEROCRED_ACTION_IMAGE=$(bash it/testbed/action-image.sh zerocred-action/target/zerocred.jar)
#
# Prints ONLY the image tag on stdout (progress goes to stderr). The tag is
# zerocred-action-test:<hash of the inputs, the jar and the class list included>; unchanged inputs
# reuse the image.
#
# Environment: ZEROCRED_CACHE_DIR, ZEROCRED_DEBIAN_SUITE, ZEROCRED_DEBIAN_MIRROR as for
# claude-image.sh. Needs a running Docker engine and, only when the root filesystem is not cached
# yet, root and debootstrap.
set -euo pipefail

exec 3>&1 1>&2

readonly IMAGE_REPO=zerocred-action-test
readonly BASE_REPO=zerocred-action-base
readonly ROOTFS_VARIANT=minbase
readonly ROOTFS_INCLUDE=ca-certificates,openjdk-17-jre-headless
readonly ROOTFS_REVISION=1
readonly BASE_IMAGE_KIND=action-base

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly DOCKERFILE="$SCRIPT_DIR/action-image.Dockerfile"
readonly CLASS_LIST="$SCRIPT_DIR/../../zerocred-action/src/main/cds/action.classlist"

SUITE=${ZEROCRED_DEBIAN_SUITE:-bookworm}
CACHE_DIR=${ZEROCRED_CACHE_DIR:-$SCRIPT_DIR/.cache}

START_SECONDS=$SECONDS
log() { printf '[action-image %3ds] %s\n' "$((SECONDS - START_SECONDS))" "$*" >&2; }
die() {
  printf '[action-image] ERROR: %s\n' "$*" >&2
  exit 1
}

# shellcheck source=debian-rootfs.sh
source "$SCRIPT_DIR/debian-rootfs.sh"

BASE_ONLY=false
JAR=""
case "${1:-}" in
  --base-only) BASE_ONLY=true ;;
  "") die "usage: action-image.sh (--base-only | PATH/TO/zerocred.jar)" ;;
  *) JAR=$1 ;;
esac
if ! $BASE_ONLY; then
  [ -s "$CLASS_LIST" ] || die "$CLASS_LIST is missing: it is committed; regenerate it with bash it/testbed/action-classlist.sh"
  [ -s "$JAR" ] || die "$JAR does not exist: build it first (./mvnw -B -pl zerocred-action -am package -DskipTests)"
fi
[[ $SUITE =~ ^[a-z]+$ ]] || die "ZEROCRED_DEBIAN_SUITE must be a Debian suite name like bookworm, not '$SUITE'"
command -v docker >/dev/null 2>&1 || die "the docker client is not installed (bash .ci/lib/docker-engine.sh installs and starts an engine)"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer 'docker info' (bash .ci/lib/docker-engine.sh starts one)"

case "$(uname -m)" in
  x86_64 | amd64) DEB_ARCH=amd64 ;;
  aarch64 | arm64) DEB_ARCH=arm64 ;;
  *) die "unsupported machine architecture $(uname -m)" ;;
esac

sha256() { sha256sum | cut -c1-64; }

ROOTFS_SPEC="suite=$SUITE variant=$ROOTFS_VARIANT include=$ROOTFS_INCLUDE arch=$DEB_ARCH revision=$ROOTFS_REVISION"
ROOTFS_KEY=$(printf '%s' "$ROOTFS_SPEC" | sha256 | cut -c1-12)
BASE_TAG="$BASE_REPO:$SUITE-$DEB_ARCH-$ROOTFS_KEY"

mkdir -p "$CACHE_DIR/rootfs" "$CACHE_DIR/tmp" || die "cannot create the cache directory $CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.action-lock"
  flock 9
fi

ensure_base_image
if $BASE_ONLY; then
  printf '%s\n' "$BASE_TAG" >&3
  exit 0
fi

INPUTS_HASH=$({
  printf '%s\n' "$ROOTFS_SPEC"
  cat "${BASH_SOURCE[0]}" "$SCRIPT_DIR/debian-rootfs.sh" "$DOCKERFILE"
  sha256sum <"$JAR"
  sha256sum <"$CLASS_LIST"
} | sha256)
IMAGE_TAG="$IMAGE_REPO:${INPUTS_HASH:0:12}"

label=$(docker image inspect --format '{{ index .Config.Labels "zerocred.testbed.inputs" }}' "$IMAGE_TAG" 2>/dev/null || true)
if [ "$label" = "$INPUTS_HASH" ]; then
  log "reusing $IMAGE_TAG (inputs unchanged)"
  printf '%s\n' "$IMAGE_TAG" >&3
  exit 0
fi

CONTEXT=$(mktemp -d "$CACHE_DIR/tmp/action-context.XXXXXX")
WORK_DIRS+=("$CONTEXT")
cp "$JAR" "$CONTEXT/zerocred.jar"
cp "$CLASS_LIST" "$CONTEXT/action.classlist"
log "docker build $IMAGE_TAG"
DOCKER_BUILDKIT=0 docker build \
  --file "$DOCKERFILE" \
  --build-arg "BASE_IMAGE=$BASE_TAG" \
  --build-arg "INPUTS_HASH=$INPUTS_HASH" \
  --tag "$IMAGE_TAG" \
  --quiet \
  "$CONTEXT" >/dev/null || die "docker build of $IMAGE_TAG failed"

# The JRE and the jar must start (needs no inputs and no engine).
docker run --rm --network none --entrypoint java "$IMAGE_TAG" -jar /opt/zerocred/zerocred.jar --version >&2 ||
  { docker image rm "$IMAGE_TAG" >/dev/null 2>&1 || true; die "the new image failed its check"; }
log "image ready: $IMAGE_TAG"
printf '%s\n' "$IMAGE_TAG" >&3
