#!/usr/bin/env bash
# Points action.yml at the released, prebuilt action image, for the release commit only:
#
#   runs:
#     image: Dockerfile      →   image: docker://ghcr.io/<owner>/zerocred-action:<version>
#
# so that `uses: <owner>/zerocred-action@v1` pulls the image instead of building the Dockerfile at
# the start of every job. On main, action.yml keeps `image: Dockerfile` (forks, pinned SHAs).
#
#   bash .ci/release/pin-action-image.sh OWNER VERSION [ACTION_YML]
#
# OWNER is the GitHub account that owns the image (lower-cased, as ghcr.io requires); VERSION is
# x.y.z. Both land in a file every user of the action runs, so each is checked against a strict
# pattern first. Changes exactly one line, or changes nothing and fails.
set -euo pipefail

die() {
  printf '[pin-action-image] %s\n' "$*" >&2
  exit 1
}

[ "$#" -ge 2 ] && [ "$#" -le 3 ] || die "usage: pin-action-image.sh OWNER VERSION [ACTION_YML]"
OWNER=${1,,}
VERSION=$2
ACTION_YML=${3:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/action.yml}

[[ $OWNER =~ ^[a-z0-9]([a-z0-9-]{0,37}[a-z0-9])?$ ]] || die "OWNER must be a GitHub account name, not '$1'"
[[ $VERSION =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] || die "VERSION must be x.y.z, not '$VERSION'"
[ -f "$ACTION_YML" ] && [ ! -L "$ACTION_YML" ] || die "$ACTION_YML is not a regular file"

IMAGE="docker://ghcr.io/$OWNER/zerocred-action:$VERSION"
count=$(grep -c '^  image: Dockerfile$' "$ACTION_YML" || true)
[ "$count" = 1 ] || die "$ACTION_YML must have exactly one '  image: Dockerfile' line under runs (found $count)"

tmp=$(mktemp "$ACTION_YML.XXXXXX")
trap 'rm -f "$tmp"' EXIT
sed "s|^  image: Dockerfile\$|  image: $IMAGE|" "$ACTION_YML" >"$tmp"
[ "$(grep -c "^  image: $IMAGE\$" "$tmp")" = 1 ] || die "the rewrite of $ACTION_YML failed"
[ "$(diff "$ACTION_YML" "$tmp" | grep -c '^[<>]')" = 2 ] || die "the rewrite changed more than the image line"
chmod --reference="$ACTION_YML" "$tmp"
mv "$tmp" "$ACTION_YML"
trap - EXIT
printf '%s\n' "$IMAGE"
