#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`.
#
#   source .ci/lib/docker-engine.sh && zerocred_ensure_docker_engine   # from another script
#   bash .ci/lib/docker-engine.sh                                      # on its own
#
# 1. If `docker info` answers, it does nothing.
# 2. If `dockerd` or the `docker` client is missing, it installs Debian's `docker.io` with apt-get.
# 3. It starts the engine: through systemd when systemd runs the machine, otherwise `dockerd` in
#    the background, logging to $ZEROCRED_DOCKERD_LOG (default /var/log/zerocred-dockerd.log).
# 4. It waits up to $ZEROCRED_DOCKERD_TIMEOUT seconds (default 60) for `docker info` to answer.
# 5. With ZEROCRED_ENGINE_RUNSC=1 it also registers gVisor as the runtime `runsc`
#    (zerocred_ensure_runsc, below).
#
# Needs root (or passwordless sudo) only when it has to install or start something. Reads no
# stdin, so it runs unattended in CI. Safe to run again and again. When sourced it changes no
# shell options of the caller; the function returns non-zero with a message on stderr on failure.

_zerocred_engine_log() { printf '[docker-engine] %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through passwordless sudo.
_zerocred_engine_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    _zerocred_engine_log "needs root to run: $* (run as root or allow passwordless sudo)"
    return 1
  fi
}

_zerocred_engine_answers() { docker info >/dev/null 2>&1; }

# Path of an engine program such as dockerd or runsc: /usr/sbin is not on every user's PATH.
_zerocred_engine_program() {
  local candidate
  for candidate in "$(command -v "$1" 2>/dev/null)" "/usr/sbin/$1" "/usr/bin/$1" "/usr/local/bin/$1"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

_zerocred_engine_dockerd() { _zerocred_engine_program dockerd; }

# Waits until `docker info` answers or the deadline passes. $1 = seconds, $2 = pid to watch (optional).
_zerocred_engine_wait() {
  local seconds=$1 pid=${2:-} waited=0
  while [ "$waited" -lt "$seconds" ]; do
    if _zerocred_engine_answers; then
      return 0
    fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      _zerocred_engine_log "dockerd (pid $pid) exited while starting"
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  _zerocred_engine_answers
}

_zerocred_engine_install() {
  local aptlog
  if ! command -v apt-get >/dev/null 2>&1; then
    _zerocred_engine_log "no Docker engine and no apt-get to install one; install Docker yourself"
    return 1
  fi
  aptlog=$(mktemp "${TMPDIR:-/tmp}/zerocred-apt.XXXXXX") || return 1
  _zerocred_engine_log "installing Debian's docker.io with apt-get (output in $aptlog)"
  if ! _zerocred_engine_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >>"$aptlog" 2>&1; then
    tail -n 20 "$aptlog" >&2
    _zerocred_engine_log "apt-get update failed (full output in $aptlog)"
    return 1
  fi
  if ! _zerocred_engine_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    docker.io </dev/null >>"$aptlog" 2>&1; then
    tail -n 20 "$aptlog" >&2
    _zerocred_engine_log "apt-get install docker.io failed (full output in $aptlog)"
    return 1
  fi
  rm -f "$aptlog"
  hash -r 2>/dev/null || true
}

zerocred_ensure_docker_engine() {
  local timeout=${ZEROCRED_DOCKERD_TIMEOUT:-60}
  local logfile=${ZEROCRED_DOCKERD_LOG:-/var/log/zerocred-dockerd.log}
  local pidfile=/var/run/docker.pid
  local pid dockerd

  if command -v docker >/dev/null 2>&1 && _zerocred_engine_answers; then
    return 0
  fi

  if ! _zerocred_engine_dockerd >/dev/null || ! command -v docker >/dev/null 2>&1; then
    _zerocred_engine_install || return 1
    if ! _zerocred_engine_dockerd >/dev/null || ! command -v docker >/dev/null 2>&1; then
      _zerocred_engine_log "docker.io was installed but dockerd/docker are still not on PATH ($PATH)"
      return 1
    fi
    # On a systemd machine the package's postinst may have started the engine already.
    if _zerocred_engine_wait 3; then
      _zerocred_engine_log "Docker engine is up"
      return 0
    fi
  fi

  # An engine already starting (or hung)? Wait for it rather than starting a second one.
  if [ -r "$pidfile" ]; then
    pid=$(cat "$pidfile" 2>/dev/null || true)
    # A killed engine leaves its pid file behind, and the pid may since belong to anything else.
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
      _zerocred_engine_log "dockerd (pid $pid) is running but not answering yet; waiting up to ${timeout}s"
      if _zerocred_engine_wait "$timeout" "$pid"; then
        _zerocred_engine_log "Docker engine is up"
        return 0
      fi
      if kill -0 "$pid" 2>/dev/null; then
        _zerocred_engine_log "dockerd (pid $pid) did not answer 'docker info' within ${timeout}s"
        return 1
      fi
    fi
    _zerocred_engine_log "removing the stale $pidfile of an engine that is gone"
    _zerocred_engine_as_root rm -f "$pidfile" || return 1
  fi

  # Under systemd, let it own the engine.
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    _zerocred_engine_log "starting the docker service with systemctl"
    if _zerocred_engine_as_root systemctl start docker </dev/null >&2 && _zerocred_engine_wait "$timeout"; then
      _zerocred_engine_log "Docker engine is up"
      return 0
    fi
    _zerocred_engine_log "systemctl start docker did not bring the engine up; starting dockerd directly"
  fi

  if [ "$(id -u)" -ne 0 ]; then
    _zerocred_engine_log "cannot start dockerd: not root (start the Docker engine, or run this as root)"
    return 1
  fi
  dockerd=$(_zerocred_engine_dockerd) || {
    _zerocred_engine_log "dockerd not found"
    return 1
  }
  mkdir -p "$(dirname "$logfile")" || return 1
  _zerocred_engine_log "starting dockerd in the background (log: $logfile)"
  # `set -m` in a subshell puts dockerd in a process group of its own, so a Ctrl-C or the end of
  # the calling step's process group does not take the engine down; nohup shields it from SIGHUP.
  # dockerd runs iptables & co. from the sbin directories, which a user's PATH may lack.
  pid=$(
    set -m
    PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" nohup "$dockerd" </dev/null >>"$logfile" 2>&1 &
    echo $!
  )
  if _zerocred_engine_wait "$timeout" "$pid"; then
    _zerocred_engine_log "Docker engine is up (dockerd pid $(cat "$pidfile" 2>/dev/null || echo "$pid"))"
    return 0
  fi
  _zerocred_engine_log "Docker engine did not come up (waited up to ${timeout}s); last lines of $logfile:"
  tail -n 20 "$logfile" >&2 2>/dev/null || true
  return 1
}

# --- gVisor (runsc) -------------------------------------------------------------------------------
# zerocred_ensure_runsc registers Debian's gVisor as the engine's `runsc` runtime (ptrace platform:
# Debian's build has no systrap). Idempotent: it installs the package only when runsc is missing,
# adds the runtime to /etc/docker/daemon.json only when the engine does not list it, and then makes
# the running engine reload its configuration with SIGHUP (dockerd re-reads `runtimes` on SIGHUP),
# never restarting it: running containers and other users of the engine are not disturbed.
# The CI path calls it when ZEROCRED_ENGINE_RUNSC=1 (it/run-tests.sh sets that).

_zerocred_engine_has_runtime() {
  docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q "\"$1\""
}

zerocred_ensure_runsc() {
  local runsc pid waited=0 aptlog args
  if _zerocred_engine_has_runtime runsc; then
    return 0
  fi
  if ! runsc=$(_zerocred_engine_program runsc); then
    if ! command -v apt-get >/dev/null 2>&1; then
      _zerocred_engine_log "gVisor (runsc) is not installed and there is no apt-get to install it"
      return 1
    fi
    aptlog=$(mktemp "${TMPDIR:-/tmp}/zerocred-apt.XXXXXX") || return 1
    _zerocred_engine_log "installing Debian's runsc (gVisor) with apt-get (output in $aptlog)"
    # The package index may be stale or absent on a fresh machine: update once if the install fails.
    if ! _zerocred_engine_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runsc \
      </dev/null >>"$aptlog" 2>&1; then
      if ! _zerocred_engine_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        </dev/null >>"$aptlog" 2>&1 ||
        ! _zerocred_engine_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runsc \
          </dev/null >>"$aptlog" 2>&1; then
        tail -n 20 "$aptlog" >&2
        _zerocred_engine_log "apt-get install runsc failed (full output in $aptlog)"
        return 1
      fi
    fi
    rm -f "$aptlog"
    hash -r 2>/dev/null || true
    runsc=$(_zerocred_engine_program runsc) || {
      _zerocred_engine_log "runsc was installed but is not on PATH ($PATH)"
      return 1
    }
  fi
  # Debian's build decides "this is the host's root network namespace" by whether
  # /proc/sys/net/core/rmem_default exists; kernels since 6.x show that file in every namespace, so
  # its own network stack (netstack) refuses every container ("cannot run with network enabled in
  # root network namespace"). There the sandbox uses the container's namespace through the host
  # kernel (--network=host: still the container's own namespace, the run's internal network and its
  # firewall rules; gVisor still intercepts every other system call).
  args=(--platform=ptrace)
  if _zerocred_engine_as_root unshare -n test -e /proc/sys/net/core/rmem_default 2>/dev/null; then
    args+=(--network=host)
  fi
  # `runsc install` merges the runtime into daemon.json, keeping whatever else the file holds;
  # the arguments after `--` become the runtime's runtimeArgs.
  _zerocred_engine_log "registering $runsc as the engine's runsc runtime (${args[*]})"
  _zerocred_engine_as_root "$runsc" install --runtime=runsc -- "${args[@]}" >&2 || {
    _zerocred_engine_log "runsc install could not update /etc/docker/daemon.json"
    return 1
  }
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
    pid=$(pgrep -x dockerd 2>/dev/null | head -n 1 || true)
  fi
  if [ -z "$pid" ]; then
    _zerocred_engine_log "no running dockerd to reload; runsc is registered for its next start"
    return 1
  fi
  _zerocred_engine_as_root kill -HUP "$pid" || return 1
  while [ "$waited" -lt 20 ]; do
    if _zerocred_engine_has_runtime runsc; then
      _zerocred_engine_log "the engine lists the runsc runtime"
      return 0
    fi
    sleep 1
    waited=$((waited + 1))
  done
  _zerocred_engine_log "dockerd (pid $pid) reloaded but does not list runsc; see /etc/docker/daemon.json"
  return 1
}

# Run directly (not sourced): ensure the engine and exit with the result.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  zerocred_ensure_docker_engine
  if [ "${ZEROCRED_ENGINE_RUNSC:-0}" = 1 ]; then
    zerocred_ensure_runsc
  fi
fi
