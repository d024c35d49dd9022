#!/usr/bin/env bash
# Installs the built tree to /opt/tsctr (root-owned, world-readable) and /usr/local/bin/tsctr, so
# the unprivileged test user can run it even when the checkout sits where it cannot enter (/root).
# Run as root after `npm ci && npm run build`; idempotent (rsync only copies what changed).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
require_root
repo=$(cd "$here/../.." && pwd)

[ -f "$repo/packages/cli/dist/main.js" ] || die "no build in $repo: run 'npm ci && npm run build' first"
[ -d "$repo/node_modules" ] || die "no node_modules in $repo: run 'npm ci' first"
node=$(command -v node) || die "node is not on PATH"
node=$(readlink -f "$node")
runuser -u "$TEST_USER" -- test -x "$node" \
  || die "$TEST_USER cannot execute $node: install Node.js where every user can run it"

# What the CLI needs at run time: compiled packages, their manifests, the shim, the bin script and
# node_modules (whose workspace links, e.g. node_modules/@tsctr/engine -> ../../packages/engine,
# stay valid because the packages keep their relative place).
# Concurrent jest runs may install at the same time: one at a time.
exec 9>/run/tsctr-install.lock
flock 9

# The installed CLI runs the esbuild bundles (packages/cli/dist-bundle): remake them when a `tsc -b`
# ran after the last `npm run build`, so the install never pairs a fresh dist with stale bundles.
bundle="$repo/packages/cli/dist-bundle/tsctr.bundle.js"
for info in "$repo"/packages/*/tsconfig.tsbuildinfo; do
  if [ ! -f "$bundle" ] || [ "$info" -nt "$bundle" ]; then
    log "bundles older than $info: node packages/cli/scripts/bundle.js"
    "$node" "$repo/packages/cli/scripts/bundle.js" || die "bundling failed"
    break
  fi
done

mkdir -p "$INSTALL_DIR"
status=0
rsync -a --delete --delete-excluded --chown=root:root --chmod=u+rwX,go+rX,go-w \
  --include='/packages/' --include='/packages/*/' \
  --include='/packages/*/package.json' --include='/packages/*/dist/***' --include='/packages/cli/dist-bundle/***' \
  --include='/packages/*/node_modules/***' --include='/packages/cli/bin/***' \
  --include='/packages/engine/native/' --include='/packages/engine/native/build/***' \
  --include='/node_modules/***' --include='/package.json' \
  --exclude='*.tsbuildinfo' --exclude='*' \
  "$repo/" "$INSTALL_DIR/" || status=$?
# 24: a source file vanished mid-copy (a build running at the same time); the rest is installed.
[ "$status" -eq 0 ] || [ "$status" -eq 24 ] || die "rsync to $INSTALL_DIR failed (exit $status)"
[ "$status" -eq 0 ] || log "warning: some files changed during the copy; rerun after the build finishes"
chown root:root "$INSTALL_DIR" && chmod 0755 "$INSTALL_DIR"

# A wrapper rather than a symlink: it names node by absolute path, so the test user's PATH
# (tests run it under `env -i`) does not need to contain node.
wrapper="#!/bin/sh
exec $node $INSTALL_DIR/packages/cli/bin/tsctr \"\$@\""
if [ "$(cat "$INSTALL_BIN" 2>/dev/null)" != "$wrapper" ]; then
  rm -f "$INSTALL_BIN"
  printf '%s\n' "$wrapper" >"$INSTALL_BIN.tmp"
  chmod 0755 "$INSTALL_BIN.tmp"
  mv "$INSTALL_BIN.tmp" "$INSTALL_BIN"
fi
[ -x "$INSTALL_DIR/packages/engine/native/build/tsctr-shim" ] \
  || log "warning: no packages/engine/native/build/tsctr-shim in the build (npm run build makes it)"
log "installed $repo -> $INSTALL_DIR, $INSTALL_BIN"
