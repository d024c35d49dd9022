#!/usr/bin/env bash
# Starts the two test registries (Debian's docker-registry, i.e. CNCF distribution) in the
# background, since no init system may be running:
#   127.0.0.1:5000  no auth, holds every fixture image
#   127.0.0.1:5001  htpasswd auth (testuser / testpassword), for `tsctr login` tests
# Our own configs live in /etc/tsctr-test; Debian's default config (which wants htpasswd auth on
# :5000) is not used. Root, idempotent: a registry already running with the same config is kept.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
require_root

# registry_config PORT AUTH(yes|no): the YAML for one registry.
registry_config() {
  local port=$1 auth=$2
  cat <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REGISTRY_DATA_DIR/$port
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  headers:
    X-Content-Type-Options: [nosniff]
YAML
  if [ "$auth" = yes ]; then
    cat <<YAML
auth:
  htpasswd:
    realm: tsctr-test
    path: $CONFIG_DIR/htpasswd
YAML
  fi
}

ensure_htpasswd() {
  local file=$CONFIG_DIR/htpasswd
  if [ -f "$file" ] && htpasswd -vb "$file" "$AUTH_USER" "$AUTH_PASSWORD" >/dev/null 2>&1; then return 0; fi
  htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" >"$file.tmp"
  mv "$file.tmp" "$file"
}

# The distribution package starts its own registry (Debian's config, :5000, auth) where an init
# system runs, e.g. on Ubuntu CI hosts. It would take our port: stop and disable it.
stop_distro_registry() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/docker-registry ]; then
    /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_busy() { ss -Htln "sport = :$1" | grep -q .; }

# start_registry PORT AUTH EXPECTED_STATUS
start_registry() {
  local port=$1 auth=$2 want=$3
  local config=$CONFIG_DIR/registry-$port.yml pidfile=$REGISTRY_RUN_DIR/$port.pid log=$REGISTRY_LOG_DIR/$port.log
  local url=http://127.0.0.1:$port/v2/ changed=no
  mkdir -p "$REGISTRY_DATA_DIR/$port" "$REGISTRY_RUN_DIR" "$REGISTRY_LOG_DIR"
  if ! registry_config "$port" "$auth" | cmp -s - "$config"; then
    registry_config "$port" "$auth" >"$config"
    changed=yes
  fi
  if pid_alive "$pidfile"; then
    if [ "$changed" = no ] && [ "$(http_status "$url")" = "$want" ]; then
      log "registry :$port already running (pid $(cat "$pidfile"))"
      return 0
    fi
    log "restarting registry :$port (config changed or not answering)"
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 50); do pid_alive "$pidfile" || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
  if port_busy "$port"; then
    die "port $port is taken by another process ($(ss -Htlnp "sport = :$port" | tr -s ' ')); stop it, then rerun"
  fi
  # setsid: its own session, so it outlives this script and the CI step that ran it.
  setsid docker-registry serve "$config" </dev/null >>"$log" 2>&1 &
  echo $! >"$pidfile"
  if ! wait_for_status "$url" "$want" 30; then
    tail -n 20 "$log" >&2 || true
    die "registry :$port did not answer $want on $url within 30 s (log: $log)"
  fi
  log "registry :$port started (pid $(cat "$pidfile"), log $log)"
}

mkdir -p "$CONFIG_DIR"
ensure_htpasswd
stop_distro_registry
start_registry "$REGISTRY_PORT" no 200
start_registry "$AUTH_REGISTRY_PORT" yes 401
