# Shared names and helpers for the e2e setup scripts (sourced, not run).
# Everything here is idempotent and meant to run as root.

TEST_USER=tsctr-test
NOSUB_USER=tsctr-nosub
SUBID_RANGE_START=100000
SUBID_RANGE_COUNT=65536

REGISTRY_PORT=5000        # plain registry, no auth: every fixture lives here
AUTH_REGISTRY_PORT=5001   # htpasswd registry for `tsctr login` tests
AUTH_USER=testuser
AUTH_PASSWORD=testpassword

CONFIG_DIR=/etc/tsctr-test
REGISTRY_DATA_DIR=/var/lib/tsctr-test-registry
REGISTRY_RUN_DIR=/run/tsctr-test-registry
REGISTRY_LOG_DIR=/var/log/tsctr-test-registry
FIXTURE_CACHE_DIR=/var/cache/tsctr-fixtures
VM_KERNEL_DIR=/var/cache/tsctr-vm/linux  # unpacked linux-image-*-amd64 for e2e/vm
INSTALL_DIR=/opt/tsctr
INSTALL_BIN=/usr/local/bin/tsctr

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

log() { printf '[tsctr-setup] %s\n' "$*" >&2; }
die() { printf '[tsctr-setup] ERROR: %s\n' "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "run this as root (sudo bash $0): it installs packages, users and registries"
}

# http_status URL [curl args...]: prints the HTTP status code, or 000 when nothing answers.
http_status() {
  local url=$1; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" || true
}

# wait_for_status URL CODE SECONDS: waits until URL answers with CODE.
wait_for_status() {
  local url=$1 want=$2 seconds=$3 i
  for ((i = 0; i < seconds * 4; i++)); do
    [ "$(http_status "$url")" = "$want" ] && return 0
    sleep 0.25
  done
  return 1
}
