#!/usr/bin/env bash
# The runner image the end-to-end tests run Claude Code in, built by zerocred's own code path
# (`zerocred image build`, the build a review does when no image is named) on an offline base:
#
#   1. a Debian minimal root filesystem made with debootstrap (from the Debian mirror this machine's
#      apt already uses), imported with `docker import` as the base image (debian-rootfs.sh); it
#      already holds git, ripgrep and CA certificates, so the image build needs no network;
#   2. `zerocred image build --base-image <that base>`: the Claude Code native binary of
#      $CLAUDE_CODE_VERSION from the npm registry (npm's own configuration says where), checked
#      against the registry's sha512 and cached, then the image on the engine.
#
# Prints ONLY the image tag on stdout (progress goes to stderr), e.g.
#   ZEROCRED_TEST_IMAGE=$(bash it/testbed/claude-image.sh)
#
# The tag is zerocred's own (zerocred-runner:<version>-<hash of the inputs>); the image is also
# tagged zerocred-runner-test:latest. Unchanged inputs reuse the existing image in about a second.
# zerocred.jar is built first when it is missing or older than the sources it is made of.
#
# Environment:
#   CLAUDE_CODE_VERSION     exact Claude Code version (default: zerocred's)
#   ZEROCRED_CACHE_DIR      cache directory (default: .cache next to this script); the verified
#                           binary is kept under zerocred/ in it
#   ZEROCRED_DEBIAN_SUITE   Debian suite of the root filesystem (default bookworm)
#   ZEROCRED_DEBIAN_MIRROR  Debian mirror URL (default: the one apt's sources use)
#
# Needs a running Docker engine, a JDK 17+, and only when the root filesystem is not cached yet —
# root and debootstrap (installed with apt-get if missing).
set -euo pipefail

# Everything on stdout goes to stderr, except the final tag, written to fd 3.
exec 3>&1 1>&2

readonly LATEST_TAG=zerocred-runner-test:latest
readonly BASE_REPO=zerocred-runner-base
# Everything that decides the root filesystem's contents. Bump ROOTFS_REVISION when the
# post-processing in make_rootfs_tarball changes.
readonly ROOTFS_VARIANT=minbase
readonly ROOTFS_INCLUDE=ca-certificates,git,ripgrep
readonly ROOTFS_REVISION=1

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly ROOT
readonly JAR="$ROOT/zerocred-action/target/zerocred.jar"

SUITE=${ZEROCRED_DEBIAN_SUITE:-bookworm}
CACHE_DIR=${ZEROCRED_CACHE_DIR:-$SCRIPT_DIR/.cache}

START_SECONDS=$SECONDS
log() { printf '[claude-image %3ds] %s\n' "$((SECONDS - START_SECONDS))" "$*" >&2; }
die() {
  printf '[claude-image] ERROR: %s\n' "$*" >&2
  exit 1
}

# shellcheck source=debian-rootfs.sh
source "$SCRIPT_DIR/debian-rootfs.sh"

[[ $SUITE =~ ^[a-z]+$ ]] || die "ZEROCRED_DEBIAN_SUITE must be a Debian suite name like bookworm, not '$SUITE'"
command -v docker >/dev/null 2>&1 || die "the docker client is not installed (bash .ci/lib/docker-engine.sh installs and starts an engine)"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer 'docker info' (bash .ci/lib/docker-engine.sh starts one)"

case "$(uname -m)" in
  x86_64 | amd64) DEB_ARCH=amd64 ;;
  aarch64 | arm64) DEB_ARCH=arm64 ;;
  *) die "unsupported machine architecture $(uname -m) (Claude Code ships linux x64 and arm64)" ;;
esac

ROOTFS_SPEC="suite=$SUITE variant=$ROOTFS_VARIANT include=$ROOTFS_INCLUDE arch=$DEB_ARCH revision=$ROOTFS_REVISION"
ROOTFS_KEY=$(printf '%s' "$ROOTFS_SPEC" | sha256sum | cut -c1-12)
BASE_TAG="$BASE_REPO:$SUITE-$DEB_ARCH-$ROOTFS_KEY"

mkdir -p "$CACHE_DIR/rootfs" "$CACHE_DIR/tmp" || die "cannot create the cache directory $CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)

# 1. The offline base image.
ensure_base_image

# 2. zerocred.jar, when it is missing or older than its sources.
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/proxy-core/src/main" "$ROOT/zerocred-action/src/main" \
  "$ROOT/proxy-core/pom.xml" "$ROOT/zerocred-action/pom.xml" -newer "$JAR" -print -quit)" ]; then
  log "building zerocred.jar (tests skipped)"
  (cd "$ROOT" && ./mvnw -B -q package -pl zerocred-action -am -DskipTests -Dspotless.check.skip=true \
    </dev/null >&2) || die "could not build zerocred.jar"
fi

# 3. The runner image, by zerocred's own build.
ARGS=(image build --base-image "$BASE_TAG")
[ -n "${CLAUDE_CODE_VERSION:-}" ] && ARGS+=(--claude-code-version "$CLAUDE_CODE_VERSION")
TAG=$(ZEROCRED_CACHE_DIR="$CACHE_DIR/zerocred" java -jar "$JAR" "${ARGS[@]}" </dev/null) ||
  die "zerocred image build failed (see the lines above)"
docker tag "$TAG" "$LATEST_TAG" || die "docker tag $TAG $LATEST_TAG failed"
log "image ready: $TAG (also $LATEST_TAG)"
printf '%s\n' "$TAG" >&3
