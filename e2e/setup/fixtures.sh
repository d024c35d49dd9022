#!/usr/bin/env bash
# Builds the fixture images (cached) and pushes them to the test registries. Root, idempotent.
# Cache: $FIXTURE_CACHE_DIR/<key>/layout, key = hash of the fixture scripts + busybox version, so
# a re-run with unchanged scripts skips the build. A push is skipped when the registry already
# serves the same manifest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
require_root

cache_key() {
  {
    cat "$here/fixtures/build.sh" "$here/fixtures/oci-layout.sh"
    dpkg-query -W -f '${Version}\n' busybox-static
  } | sha256sum | cut -c1-16
}

build_cached_layout() {
  local key dir
  key=$(cache_key)
  dir=$FIXTURE_CACHE_DIR/$key
  if [ -f "$dir/complete" ]; then
    log "fixture layout cached in $dir"
  else
    log "building fixture images into $dir"
    mkdir -p "$FIXTURE_CACHE_DIR"
    rm -rf "$dir.tmp"
    mkdir "$dir.tmp"
    TMPDIR=$FIXTURE_CACHE_DIR bash "$here/fixtures/build.sh" "$dir.tmp/layout"
    touch "$dir.tmp/complete"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
  # Older keys are stale builds.
  find "$FIXTURE_CACHE_DIR" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +
  LAYOUT=$dir/layout
  PUSH_STAMPS=$dir/pushed
}

# served_digest DEST [USER:PASSWORD]: digest of the manifest DEST serves, or nothing.
served_digest() {
  local raw
  raw=$(skopeo inspect --raw --tls-verify=false ${2:+--creds "$2"} "docker://$1" 2>/dev/null) || return 0
  printf '%s' "$raw" | sha256sum | sed 's/^/sha256:/; s/ .*//'
}

# push REF_IN_LAYOUT DEST [skopeo copy options...]: copies unless DEST still serves what the last
# push of this layout left there (a stamp per destination records that manifest digest; a
# converted copy such as v2s2 has a digest we cannot know before pushing).
push() {
  local ref=$1 dest=$2; shift 2
  local auth=() stamp
  if [ "${dest%%/*}" = "localhost:$AUTH_REGISTRY_PORT" ]; then auth=("$AUTH_USER:$AUTH_PASSWORD"); fi
  stamp=$PUSH_STAMPS/$(echo "$ref $dest $*" | sha256sum | cut -c1-16)
  if [ -s "$stamp" ] && [ "$(cat "$stamp")" = "$(served_digest "$dest" "${auth[@]}")" ]; then
    log "up to date: $dest"
    return 0
  fi
  log "pushing $dest"
  skopeo copy -q --dest-tls-verify=false ${auth:+--dest-creds "$auth"} "$@" "oci:$LAYOUT:$ref" "docker://$dest"
  mkdir -p "$PUSH_STAMPS"
  served_digest "$dest" "${auth[@]}" >"$stamp"
}

build_cached_layout
push busybox "localhost:$REGISTRY_PORT/busybox:latest"
push busybox "localhost:$REGISTRY_PORT/library/alpine:latest"
push layers "localhost:$REGISTRY_PORT/fixtures/layers:latest"
push layers "localhost:$REGISTRY_PORT/fixtures/layers-v2s2:latest" --format v2s2
push layers-zstd "localhost:$REGISTRY_PORT/fixtures/layers-zstd:latest"
push second "localhost:$REGISTRY_PORT/fixtures/second:latest"
push multi "localhost:$REGISTRY_PORT/fixtures/multi:latest" --all
push symlinks "localhost:$REGISTRY_PORT/fixtures/symlinks:latest"
push web "localhost:$REGISTRY_PORT/fixtures/web:latest"
push busybox "localhost:$AUTH_REGISTRY_PORT/private/busybox:latest"
log "fixtures pushed"
