#!/usr/bin/env bash
# Builds the Docker image the end-to-end tests run Claude Code in, with no image registry:
#
#   1. a Debian minimal root filesystem made with debootstrap (from the Debian mirror this machine's
#      apt already uses), imported with `docker import` as the base image;
#   2. the Claude Code native binary from the npm package, pinned to $CLAUDE_CODE_VERSION;
#   3. claude-image.Dockerfile on top: the binary at /usr/local/bin/claude, user `claude`
#      (uid 1000), WORKDIR /workspace — the same shape as runner-image/Dockerfile.
#
# Prints ONLY the image tag on stdout (progress goes to stderr), e.g.
#   ZEROCRED_TEST_IMAGE=$(bash it/testbed/claude-image.sh)
#
# The tag is zerocred-runner-test:<version>-<hash of the inputs>; the image is also tagged
# zerocred-runner-test:latest. Unchanged inputs reuse the existing image in about a second. The
# expensive parts (root filesystem tarball, npm install) are kept under the cache directory, so
# even a new image after a script edit takes seconds.
#
# Environment:
#   CLAUDE_CODE_VERSION     exact Claude Code version to install (default 2.1.330)
#   ZEROCRED_CACHE_DIR      cache directory (default: .cache next to this script)
#   ZEROCRED_DEBIAN_SUITE   Debian suite of the root filesystem (default bookworm)
#   ZEROCRED_DEBIAN_MIRROR  Debian mirror for debootstrap (default: read from apt's sources)
#
# Needs: a running Docker engine (see .ci/lib/docker-engine.sh), node + npm, and — only when the
# root filesystem is not cached yet — root and debootstrap (installed with apt-get if missing).
set -euo pipefail

# Everything on stdout goes to stderr, except the final tag, written to fd 3.
exec 3>&1 1>&2

readonly DEFAULT_CLAUDE_CODE_VERSION=2.1.330
readonly IMAGE_REPO=zerocred-runner-test
readonly BASE_REPO=zerocred-runner-base
readonly NPM_PACKAGE=@anthropic-ai/claude-code
# Everything that decides the root filesystem's contents. Bump ROOTFS_REVISION when the
# post-processing in make_rootfs_tarball changes.
readonly ROOTFS_VARIANT=minbase
readonly ROOTFS_INCLUDE=ca-certificates,git,ripgrep
readonly ROOTFS_REVISION=1

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
SCRIPT_FILE="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"
readonly SCRIPT_FILE
readonly DOCKERFILE="$SCRIPT_DIR/claude-image.Dockerfile"

VERSION=${CLAUDE_CODE_VERSION:-$DEFAULT_CLAUDE_CODE_VERSION}
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

# ---------------------------------------------------------------------------------------------
# Inputs

[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
  die "CLAUDE_CODE_VERSION must be an exact version like $DEFAULT_CLAUDE_CODE_VERSION, not '$VERSION' (the image tag and cache are keyed on it)"
[[ $SUITE =~ ^[a-z]+$ ]] || die "ZEROCRED_DEBIAN_SUITE must be a Debian suite name like bookworm, not '$SUITE'"
[ -r "$DOCKERFILE" ] || die "missing $DOCKERFILE"

command -v docker >/dev/null 2>&1 || die "the docker client is not installed (bash .ci/lib/docker-engine.sh installs and starts an engine)"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer 'docker info' (bash .ci/lib/docker-engine.sh starts one)"

# Machine architecture, in Debian's and in Node's spelling.
case "$(uname -m)" in
  x86_64 | amd64) DEB_ARCH=amd64 NODE_ARCH=x64 ;;
  aarch64 | arm64) DEB_ARCH=arm64 NODE_ARCH=arm64 ;;
  *) die "unsupported machine architecture $(uname -m) (Claude Code ships linux x64 and arm64)" ;;
esac

sha256() { sha256sum | cut -c1-64; }

ROOTFS_SPEC="suite=$SUITE variant=$ROOTFS_VARIANT include=$ROOTFS_INCLUDE arch=$DEB_ARCH revision=$ROOTFS_REVISION"
ROOTFS_KEY=$(printf '%s' "$ROOTFS_SPEC" | sha256 | cut -c1-12)
BASE_TAG="$BASE_REPO:$SUITE-$DEB_ARCH-$ROOTFS_KEY"

INPUTS_HASH=$({
  printf 'version=%s\n%s\n' "$VERSION" "$ROOTFS_SPEC"
  printf -- '--- script\n'
  cat "$SCRIPT_FILE" "$SCRIPT_DIR/debian-rootfs.sh" "$SCRIPT_DIR/claude-cli.sh"
  printf -- '--- dockerfile\n'
  cat "$DOCKERFILE"
} | sha256)
SHORT_HASH=${INPUTS_HASH:0:12}
IMAGE_TAG="$IMAGE_REPO:$VERSION-$SHORT_HASH"
LATEST_TAG="$IMAGE_REPO:latest"

# Reuses an image whose label says it was built from exactly these inputs.
image_is_current() {
  local label
  label=$(docker image inspect --format '{{ index .Config.Labels "zerocred.testbed.inputs" }}' "$IMAGE_TAG" 2>/dev/null) || return 1
  [ "$label" = "$INPUTS_HASH" ]
}

finish() {
  docker tag "$IMAGE_TAG" "$LATEST_TAG" || die "docker tag $IMAGE_TAG $LATEST_TAG failed"
  log "image ready: $IMAGE_TAG (also $LATEST_TAG)"
  printf '%s\n' "$IMAGE_TAG" >&3
  exit 0
}

if image_is_current; then
  log "reusing $IMAGE_TAG (inputs unchanged)"
  finish
fi

# ---------------------------------------------------------------------------------------------
# From here on we build. One build at a time per cache directory.

mkdir -p "$CACHE_DIR/rootfs" "$CACHE_DIR/npm" "$CACHE_DIR/tmp" || die "cannot create the cache directory $CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.lock"
  if ! flock -n 9; then
    log "another build holds $CACHE_DIR/.lock; waiting for it"
    flock 9
  fi
  if image_is_current; then
    log "reusing $IMAGE_TAG (built meanwhile)"
    finish
  fi
fi

log "building $IMAGE_TAG (Claude Code $VERSION, Debian $SUITE/$DEB_ARCH)"

# ---------------------------------------------------------------------------------------------
# 1. Base image: the imported root filesystem.

ensure_base_image

# ---------------------------------------------------------------------------------------------
# 2. The Claude Code native binary, from npm.
#
# claude-cli.sh installs it into the cache once (the host-side tests use the same binary).

BINARY=$(CLAUDE_CODE_VERSION=$VERSION ZEROCRED_CACHE_DIR=$CACHE_DIR bash "$SCRIPT_DIR/claude-cli.sh") ||
  die "could not install the Claude Code CLI $VERSION from npm"
log "Claude Code binary: ${BINARY#"$CACHE_DIR"/} ($(du -h "$BINARY" | cut -f1))"

# ---------------------------------------------------------------------------------------------
# 3. The runner image. The build context holds only the binary, hard-linked when possible.

CONTEXT=$(mktemp -d "$CACHE_DIR/tmp/context.XXXXXX")
WORK_DIRS+=("$CONTEXT")
ln "$BINARY" "$CONTEXT/claude" 2>/dev/null || cp "$BINARY" "$CONTEXT/claude"
[ -x "$CONTEXT/claude" ] || chmod 0755 "$CONTEXT/claude"

log "docker build $IMAGE_TAG"
# The classic builder: BuildKit may be missing (Debian's docker.io has no buildx), and the
# Dockerfile needs nothing from it.
DOCKER_BUILDKIT=0 docker build \
  --file "$DOCKERFILE" \
  --build-arg "BASE_IMAGE=$BASE_TAG" \
  --build-arg "CLAUDE_CODE_VERSION=$VERSION" \
  --build-arg "INPUTS_HASH=$INPUTS_HASH" \
  --tag "$IMAGE_TAG" \
  --quiet \
  "$CONTEXT" >/dev/null || die "docker build of $IMAGE_TAG failed"

# ---------------------------------------------------------------------------------------------
# 4. Check the image before handing it out.

log "checking the image (offline)"
# `sed -n 1p`, not `head -n 1`: rg prints "error: broken pipe" when head closes the pipe early.
CHECK=$(docker run --rm --network none "$IMAGE_TAG" sh -c \
  'claude --version && git --version && rg --version | sed -n 1p && id -u && id -un && pwd') || {
  printf '%s\n' "$CHECK" >&2
  docker image rm "$IMAGE_TAG" >/dev/null 2>&1 || true
  die "the new image failed its check"
}
EXPECTED="$VERSION (Claude Code)
git version
ripgrep
1000
claude
/workspace"
# Compare line by line on prefixes: the git and ripgrep versions come from Debian.
paste -d '\t' <(printf '%s\n' "$EXPECTED") <(printf '%s\n' "$CHECK") |
  awk -F '\t' 'index($2, $1) != 1 { bad = 1 } END { exit bad }' || {
  printf '%s\n' "$CHECK" >&2
  docker image rm "$IMAGE_TAG" >/dev/null 2>&1 || true
  die "the new image failed its check: expected lines starting with: $(printf '%s' "$EXPECTED" | tr '\n' '|')"
}
printf '%s\n' "$CHECK" | sed 's/^/    /' >&2

finish
