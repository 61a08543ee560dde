#!/usr/bin/env bash
# Checks the release build as far as this machine allows, without deploying anything:
#
#   1. a throwaway GnuPG key, in a temporary GNUPGHOME, with a passphrase that reaches gpg only
#      through MAVEN_GPG_PASSPHRASE and loopback pinentry (as the release workflow does it);
#   2. `./mvnw -Prelease install -DskipTests` on a copy of the sources, into a throwaway local
#      repository, with no runner image (ZEROCRED_TEST_IMAGE names one that does not exist): the
#      build must not need the test machinery (-DskipTests skips the invoker builds too);
#   3. the installed files LISTED, and for every module Maven Central publishes: the .pom, the
#      .jar (not for the parent POM), -sources.jar, -javadoc.jar, and a .asc signature of each,
#      which gpg must verify against the throwaway key; every POM carries name, description, url,
#      licenses, developers and scm. A missing file or field fails the check.
#
#   bash it/testbed/release-check.sh
#
# Installs gnupg (Debian) when gpg is missing (needs root then). Leaves nothing behind: the key,
# the agent, the copy and the throwaway repository are removed on exit. Third-party plugins the
# release profile downloaded are added to the usual local repository, so later runs can be offline.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
# The modules Central gets (the parent POM has no jar); the test kit, it and bench are excluded.
readonly PUBLISHED_JARS=(zerocred-proxy-core zerocred-maven-plugin zerocred-action)
readonly PUBLISHED_POM_ONLY=(zerocred-parent)
readonly GROUP_PATH=io/github/zerocred

START_SECONDS=$SECONDS
log() { printf '[release-check %3ds] %s\n' "$((SECONDS - START_SECONDS))" "$*" >&2; }
die() {
  printf '[release-check] FAILED: %s\n' "$*" >&2
  exit 1
}

if ! command -v gpg >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "gpg is not installed; install Debian's gnupg (apt-get install gnupg) or run this as root"
  log "installing gnupg"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q gnupg >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q gnupg >/dev/null; } ||
    die "apt-get install gnupg failed"
fi

USER_REPO=$(cd "$ROOT" && ./mvnw -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout -N 2>/dev/null || true)
[ -d "$USER_REPO" ] || USER_REPO="$HOME/.m2/repository"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/zerocred-release-check.XXXXXX")
cleanup() {
  GNUPGHOME="$WORK/gnupg" gpgconf --kill all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. a throwaway key ------------------------------------------------------------------------
export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
MAVEN_GPG_PASSPHRASE=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
export MAVEN_GPG_PASSPHRASE
gpg --batch --quiet --pinentry-mode loopback --passphrase-fd 0 \
  --quick-generate-key "zerocred release check (throwaway) <release-check@zerocred.invalid>" \
  ed25519 sign 1d <<<"$MAVEN_GPG_PASSPHRASE" 2>/dev/null || die "gpg could not generate the throwaway key"
# Forget the passphrase the agent cached while generating: signing must get it from
# MAVEN_GPG_PASSPHRASE through loopback pinentry, as in the release workflow.
gpgconf --kill gpg-agent >/dev/null 2>&1 || true
log "throwaway key: $(gpg --batch --list-secret-keys --with-colons 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')"

# --- 2. the release build, tests skipped, no test set-up ----------------------------------------
mkdir "$WORK/src" "$WORK/repo"
# What git would commit (tracked and new files, not build output); a tracked file deleted in the
# work tree is left out.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null --no-recursion -T - -cf -) |
  tar -xf - -C "$WORK/src"
log "./mvnw -Prelease install -DskipTests (copy of the sources, throwaway local repository)"
(cd "$WORK/src" && ZEROCRED_TEST_IMAGE=zerocred-release-check/no-such-image:absent ZEROCRED_CLAUDE_BIN=/nonexistent \
  ./mvnw -B -q -Prelease install -DskipTests -Dspotless.check.skip=true \
  -Dmaven.repo.local="$WORK/repo" -Dmaven.repo.local.tail="$USER_REPO" >"$WORK/build.log" 2>&1) ||
  { tail -n 60 "$WORK/build.log" >&2; die "./mvnw -Prelease install -DskipTests failed (last lines above)"; }
[ ! -e "$WORK/src/it/target/it" ] || die "-DskipTests ran the invoker builds (it/target/it exists)"
# The jar the action image ships, built as the root Dockerfile builds it (tests skipped), starts.
help=$(java -jar "$WORK/src/zerocred-action/target/zerocred.jar" action --help 2>&1) &&
  [[ $help == "Usage: zerocred action"* ]] || die "zerocred.jar does not answer 'zerocred action --help': $help"

# --- 3. what Central would get -------------------------------------------------------------------
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$ROOT/pom.xml" | head -n 1)
[ -n "$VERSION" ] || die "no project version in pom.xml"
missing=()
echo "Release artifacts (version $VERSION):"
check_file() {
  local f=$1
  if [ -s "$f" ]; then
    printf '  %-72s %9s bytes\n' "${f#"$WORK/repo/"}" "$(stat -c %s "$f")"
  else
    missing+=("${f#"$WORK/repo/"}")
    printf '  %-72s MISSING\n' "${f#"$WORK/repo/"}"
  fi
  if [ -s "$f.asc" ]; then
    gpg --batch --quiet --verify "$f.asc" "$f" 2>/dev/null || missing+=("${f#"$WORK/repo/"}.asc (does not verify)")
    printf '  %-72s %9s bytes, verified\n' "${f#"$WORK/repo/"}.asc" "$(stat -c %s "$f.asc")"
  else
    missing+=("${f#"$WORK/repo/"}.asc")
    printf '  %-72s MISSING\n' "${f#"$WORK/repo/"}.asc"
  fi
}
# Central reads a field a module's POM lacks from its parent, which is published with it.
PARENT_POM="$WORK/repo/$GROUP_PATH/zerocred-parent/$VERSION/zerocred-parent-$VERSION.pom"
check_pom() {
  local pom=$1 field
  for field in name description url licenses developers scm; do
    grep -Eq "<$field[ >]" "$pom" ||
      { [ "$field" != name ] && [ "$field" != description ] && grep -Eq "<$field[ >]" "$PARENT_POM"; } ||
      missing+=("<$field> in ${pom#"$WORK/repo/"}")
  done
}
for a in "${PUBLISHED_POM_ONLY[@]}" "${PUBLISHED_JARS[@]}"; do
  dir="$WORK/repo/$GROUP_PATH/$a/$VERSION"
  check_file "$dir/$a-$VERSION.pom"
  [ -s "$dir/$a-$VERSION.pom" ] && check_pom "$dir/$a-$VERSION.pom"
done
for a in "${PUBLISHED_JARS[@]}"; do
  dir="$WORK/repo/$GROUP_PATH/$a/$VERSION"
  for c in "" -sources -javadoc; do
    check_file "$dir/$a-$VERSION$c.jar"
  done
  # A -sources or -javadoc jar with nothing in it is rejected as surely as a missing one.
  for c in -sources -javadoc; do
    if [ -s "$dir/$a-$VERSION$c.jar" ] && ! grep -Eq '\.(java|html)$' <<<"$(jar tf "$dir/$a-$VERSION$c.jar")"; then
      missing+=("$a-$VERSION$c.jar holds no .java or .html file")
    fi
  done
done
if [ "${#missing[@]}" -gt 0 ]; then
  printf '  missing or invalid: %s\n' "${missing[@]}" >&2
  die "${#missing[@]} file(s) or field(s) Maven Central requires are missing"
fi

# Keep the plugins the release profile downloaded (never zerocred's own files).
rm -rf "${WORK:?}/repo/$GROUP_PATH"
cp -rn "$WORK/repo/." "$USER_REPO/" 2>/dev/null || true
log "every artifact Maven Central requires is there, signed"
