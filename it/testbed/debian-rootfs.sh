#!/usr/bin/env bash
# Shared by the offline image builders (claude-image.sh, action-image.sh); sourced, never run.
# Builds a Debian root filesystem with debootstrap and imports it as a base image, with no image
# registry. The caller defines log, die, CACHE_DIR, SUITE, DEB_ARCH, ROOTFS_VARIANT, ROOTFS_INCLUDE,
# ROOTFS_SPEC, ROOTFS_KEY and BASE_TAG before calling ensure_base_image.

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
# The base image: the imported root filesystem, built (or taken from the cache) when missing.
ensure_base_image() {
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
      --change "LABEL zerocred.image=${BASE_IMAGE_KIND:-runner-base} zerocred.rootfs.spec=\"$ROOTFS_SPEC\"" \
      --message "debootstrap $ROOTFS_SPEC" \
      - "$BASE_TAG" <"$ROOTFS_TAR" >/dev/null || die "docker import of $ROOTFS_TAR failed"
  fi
}
