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

# ---------------------------------------------------------------------------------------------
# Temporary directories, removed on exit. A debootstrap target may still have /proc or /sys
# mounted inside it if debootstrap was interrupted: unmount those before deleting anything.
WORK_DIRS=()
unmount_below() {
  local dir=$1 mnt
  [ -r /proc/self/mounts ] || return 0
  # Deepest first.
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mnt; do
      umount -l "$mnt" 2>/dev/null || true
    done
}
remove_tree() {
  local dir=$1
  [ -n "$dir" ] && [ -e "$dir" ] || return 0
  unmount_below "$dir"
  rm -rf --one-file-system "$dir" 2>/dev/null || rm -rf "$dir" || true
}
# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  local d
  for d in "${WORK_DIRS[@]+"${WORK_DIRS[@]}"}"; do
    remove_tree "$d"
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
  cat "$SCRIPT_FILE" "$SCRIPT_DIR/claude-cli.sh"
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

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "needs root to run: $* (run as root, allow passwordless sudo, or keep the cache directory)"
  fi
}

# The mirror apt already uses for $SUITE: the first `deb` source (one-line .list format or
# deb822 .sources) whose suite is exactly $SUITE.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk -v suite="$SUITE" '
      { sub(/#.*/, "") }
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite && $i ~ /^(https?|file):/) { print $i; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk -v suite="$SUITE" '
      function reset() { types = ""; uris = ""; suites = ""; enabled = "yes"; last = "" }
      function flush(  n, u, i) {
        if (index(" " types " ", " deb ") && index(" " suites " ", " " suite " ") && tolower(enabled) != "no") {
          n = split(uris, u, /[ \t]+/)
          for (i = 1; i <= n; i++) if (u[i] ~ /^(https?|file):/) { print u[i]; found = 1; exit }
        }
        reset()
      }
      BEGIN { reset() }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { # continuation line
        v = $0; gsub(/^[ \t]+|[ \t]+$/, "", v)
        if (last == "types") types = types " " v
        else if (last == "uris") uris = uris " " v
        else if (last == "suites") suites = suites " " v
        next
      }
      {
        k = tolower(substr($0, 1, index($0, ":") - 1))
        v = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
        last = k
        if (k == "types") types = v
        else if (k == "uris") uris = v
        else if (k == "suites") suites = v
        else if (k == "enabled") enabled = v
      }
      END { if (!found) flush() }' "$f"
  done
}

# Builds the root filesystem with debootstrap and writes it as an uncompressed tarball to $1.
make_rootfs_tarball() {
  local out=$1 mirror target
  if [ -n "${ZEROCRED_DEBIAN_MIRROR:-}" ]; then
    mirror=$ZEROCRED_DEBIAN_MIRROR
  else
    mirror=$(apt_mirror | head -n 1)
    [ -n "$mirror" ] || die "found no '$SUITE' source in /etc/apt/sources.list{,.d/*}; set ZEROCRED_DEBIAN_MIRROR to a Debian mirror URL"
  fi
  mirror=${mirror%/}

  if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ]; then
    log "installing debootstrap with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2 || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap </dev/null >&2 ||
      die "apt-get install debootstrap failed"
  fi
  local debootstrap
  debootstrap=$(command -v debootstrap || echo /usr/sbin/debootstrap)

  # debootstrap fetches with wget, which does not read apt's configuration: pass apt's proxy on.
  if [ -z "${http_proxy:-}" ] && command -v apt-config >/dev/null 2>&1; then
    local APT_HTTP_PROXY=""
    eval "$(apt-config shell APT_HTTP_PROXY Acquire::http::Proxy 2>/dev/null)" || true
    if [ -n "$APT_HTTP_PROXY" ] && [ "$APT_HTTP_PROXY" != DIRECT ]; then
      export http_proxy=$APT_HTTP_PROXY
    fi
  fi

  target=$(mktemp -d "$CACHE_DIR/tmp/rootfs.XXXXXX")
  WORK_DIRS+=("$target")
  log "debootstrap --variant=$ROOTFS_VARIANT --include=$ROOTFS_INCLUDE $SUITE (mirror from apt's sources)"
  if ! as_root "$debootstrap" --variant="$ROOTFS_VARIANT" --include="$ROOTFS_INCLUDE" --arch="$DEB_ARCH" \
    "$SUITE" "$target" "$mirror" </dev/null >"$target.log" 2>&1; then
    tail -n 30 "$target.log" >&2 || true
    [ -r "$target/debootstrap/debootstrap.log" ] && tail -n 30 "$target/debootstrap/debootstrap.log" >&2
    rm -f "$target.log"
    die "debootstrap failed (see the lines above)"
  fi
  rm -f "$target.log"
  unmount_below "$target"

  # Trim what an image does not need (the production image removes apt lists too), and drop
  # this machine's resolver and host name: Docker provides its own in every container.
  # shellcheck disable=SC2016  # $1 is expanded by the inner shell
  as_root sh -c '
    set -e
    cd "$1"
    rm -rf var/cache/apt/archives/*.deb var/cache/apt/*.bin var/lib/apt/lists/* var/log/bootstrap.log
    mkdir -p var/lib/apt/lists/partial
    : > etc/resolv.conf
    echo localhost > etc/hostname
  ' sh "$target"

  log "writing the root filesystem tarball"
  as_root tar --numeric-owner -C "$target" -cf "$out.partial" . || die "tar of the root filesystem failed"
  mv -f "$out.partial" "$out"
  remove_tree "$target"
}

# ---------------------------------------------------------------------------------------------
# 1. Base image: the imported root filesystem.

if docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  log "base image $BASE_TAG exists"
else
  ROOTFS_TAR="$CACHE_DIR/rootfs/$SUITE-$DEB_ARCH-$ROOTFS_KEY.tar"
  if [ -s "$ROOTFS_TAR" ]; then
    log "using cached root filesystem $(basename "$ROOTFS_TAR")"
  else
    make_rootfs_tarball "$ROOTFS_TAR"
    log "root filesystem tarball: $(du -h "$ROOTFS_TAR" | cut -f1)"
  fi
  log "docker import as $BASE_TAG"
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    --change "LABEL zerocred.image=runner-base zerocred.rootfs.spec=\"$ROOTFS_SPEC\"" \
    --message "debootstrap $ROOTFS_SPEC" \
    - "$BASE_TAG" <"$ROOTFS_TAR" >/dev/null || die "docker import of $ROOTFS_TAR failed"
fi

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
