#!/usr/bin/env bash
# Installs the pinned Claude Code CLI from npm into the test cache (once) and prints the path of
# its native binary on stdout, for the tests that run the real CLI on the host and for the
# offline runner image (claude-image.sh copies the same binary in).
#
#   ZEROCRED_CLAUDE_BIN=$(bash it/testbed/claude-cli.sh)
#
# Environment: CLAUDE_CODE_VERSION (default 2.1.330), ZEROCRED_CACHE_DIR (default .cache here).
set -euo pipefail
exec 3>&1 1>&2

readonly NPM_PACKAGE=@anthropic-ai/claude-code
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=${CLAUDE_CODE_VERSION:-2.1.330}
CACHE_DIR=${ZEROCRED_CACHE_DIR:-$SCRIPT_DIR/.cache}

die() {
  printf '[claude-cli] ERROR: %s\n' "$*" >&2
  exit 1
}

case "$(uname -m)" in
  x86_64 | amd64) NODE_ARCH=x64 ;;
  aarch64 | arm64) NODE_ARCH=arm64 ;;
  *) die "unsupported machine architecture $(uname -m)" ;;
esac
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
  die "CLAUDE_CODE_VERSION must be an exact version, not '$VERSION'"

NPM_DIR="$CACHE_DIR/npm/claude-code-$VERSION-linux-$NODE_ARCH"
PLATFORM_PACKAGE="$NPM_PACKAGE-linux-$NODE_ARCH"

# The wrapper package's postinstall hard-links the platform binary over bin/claude.exe; take it
# straight from the platform package so an npm that skips install scripts still works.
find_binary() {
  local dir=$1 candidate
  for candidate in \
    "$dir/node_modules/$PLATFORM_PACKAGE/claude" \
    "$dir/node_modules/$NPM_PACKAGE/bin/claude.exe"; do
    # The native binary is hundreds of MB; the wrapper's placeholder stub is tiny.
    if [ -f "$candidate" ] && [ "$(stat -c %s "$candidate")" -gt 10000000 ] &&
      [ "$(head -c 4 "$candidate" | od -An -c | tr -d ' ')" = '177ELF' ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

installed_version() {
  node -p 'require(process.argv[1]).version' "$1/node_modules/$NPM_PACKAGE/package.json" 2>/dev/null
}

if BINARY=$(find_binary "$NPM_DIR") && [ "$(installed_version "$NPM_DIR")" = "$VERSION" ]; then
  printf '%s\n' "$BINARY" >&3
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm is not installed (needed to fetch $NPM_PACKAGE@$VERSION)"
mkdir -p "$CACHE_DIR/tmp"
NPM_TMP=$(mktemp -d "$CACHE_DIR/tmp/npm.XXXXXX")
trap 'rm -rf "$NPM_TMP"' EXIT
printf '[claude-cli] npm install %s@%s\n' "$NPM_PACKAGE" "$VERSION" >&2
npm install --prefix "$NPM_TMP" --no-save --no-audit --no-fund --loglevel=error \
  "$NPM_PACKAGE@$VERSION" </dev/null >&2 || die "npm install $NPM_PACKAGE@$VERSION failed"
[ "$(installed_version "$NPM_TMP")" = "$VERSION" ] ||
  die "npm installed $NPM_PACKAGE $(installed_version "$NPM_TMP"), not $VERSION"
find_binary "$NPM_TMP" >/dev/null ||
  die "npm installed $NPM_PACKAGE@$VERSION but no native linux-$NODE_ARCH binary (is $PLATFORM_PACKAGE published for this version?)"
rm -rf "$NPM_DIR"
mkdir -p "$(dirname "$NPM_DIR")"
mv "$NPM_TMP" "$NPM_DIR"
find_binary "$NPM_DIR" >&3
