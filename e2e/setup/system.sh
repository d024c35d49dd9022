#!/usr/bin/env bash
# System part of the e2e setup: Debian packages, the test users and their subordinate ids,
# device modes and kernel switches that rootless containers need. Root, idempotent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
require_root

PACKAGES=(
  # container tooling the engine drives or is compared with
  podman runc slirp4netns passt fuse-overlayfs uidmap
  # test registry and fixture building
  skopeo docker-registry busybox-static apache2-utils jq curl ca-certificates
  tar gzip zstd openssl attr rsync
  # building the C shim (gcc -static needs libc6-dev's libc.a)
  build-essential
  # used by tests and for debugging
  tmux iproute2 procps psmisc util-linux passwd
  # the cgroup v2 limits suite boots a qemu guest (e2e/vm): emulator, initramfs and store disk tools
  qemu-system-x86 cpio e2fsprogs
)

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

install_packages() {
  # The multi-platform fixture needs busybox-static:arm64, fetched with `apt-get download`.
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  local missing
  missing=$(missing_packages)
  if [ -n "$missing" ] || ! compgen -G '/var/lib/apt/lists/*_binary-arm64_Packages*' >/dev/null; then
    log "apt-get update"
    apt-get update -q
  fi
  if [ -n "$missing" ]; then
    log "installing:" $missing
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
  fi
}

# ensure_user NAME: a normal login user with a home directory and NO automatic subordinate ids
# (Debian's useradd adds ranges by itself unless told not to).
ensure_user() {
  local name=$1
  id "$name" >/dev/null 2>&1 && return 0
  log "creating user $name"
  useradd --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$name"
}

# set_subid_ranges NAME LINE|'' : leaves exactly LINE (or nothing) for NAME in /etc/subuid and /etc/subgid.
set_subid_ranges() {
  local name=$1 line=$2 file
  for file in /etc/subuid /etc/subgid; do
    touch "$file"
    if [ -n "$line" ] && [ "$(grep "^$name:" "$file" || true)" = "$line" ]; then continue; fi
    sed -i "/^$name:/d" "$file"
    [ -z "$line" ] || echo "$line" >>"$file"
  done
}

setup_users() {
  ensure_user "$TEST_USER"
  set_subid_ranges "$TEST_USER" "$TEST_USER:$SUBID_RANGE_START:$SUBID_RANGE_COUNT"
  ensure_user "$NOSUB_USER"
  set_subid_ranges "$NOSUB_USER" ''
}

# Machines here ship /dev/net/tun and /dev/fuse as 0600; rootless networking and fuse-overlayfs need 0666.
setup_devices() {
  if [ ! -e /dev/net/tun ]; then mkdir -p /dev/net && mknod /dev/net/tun c 10 200; fi
  if [ ! -e /dev/fuse ]; then mknod /dev/fuse c 10 229; fi
  chmod 0666 /dev/net/tun /dev/fuse
}

# Unprivileged user namespaces must be allowed (Debian's switch, Ubuntu 24.04's AppArmor switch).
setup_kernel_switches() {
  local f
  for f in /proc/sys/kernel/unprivileged_userns_clone; do
    [ -w "$f" ] && [ "$(cat "$f")" = 0 ] && echo 1 >"$f"
  done
  for f in /proc/sys/kernel/apparmor_restrict_unprivileged_userns; do
    [ -w "$f" ] && [ "$(cat "$f")" = 1 ] && echo 0 >"$f"
  done
  return 0
}

# The guest kernel of the VM suite (e2e/vm): Debian's generic kernel (it has 9p as modules; the cloud
# flavour does not), unpacked once into $VM_KERNEL_DIR. Only the amd64 guest is prepared.
setup_vm_kernel() {
  [ "$(dpkg --print-architecture)" = amd64 ] || return 0
  if compgen -G "$VM_KERNEL_DIR/boot/vmlinuz-*" >/dev/null && compgen -G "$VM_KERNEL_DIR/lib/modules/*/kernel/fs/9p/9p.ko" >/dev/null; then return 0; fi
  local pkg work
  pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
  if [ -z "$pkg" ]; then
    # Not Debian (Ubuntu names its kernels differently and compresses modules): the VM suite skips itself.
    log "no linux-image-amd64 package here: the VM suite (e2e/vm) will be skipped"
    return 0
  fi
  log "fetching $pkg for the VM suite"
  work=$(mktemp -d)
  (cd "$work" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
  compgen -G "$work/*.deb" >/dev/null || die "apt-get download $pkg failed"
  mkdir -p "$(dirname "$VM_KERNEL_DIR")"
  rm -rf "$VM_KERNEL_DIR.tmp"
  dpkg -x "$work"/*.deb "$VM_KERNEL_DIR.tmp"
  rm -rf "$work" "$VM_KERNEL_DIR"
  mv "$VM_KERNEL_DIR.tmp" "$VM_KERNEL_DIR"
}

install_packages
setup_vm_kernel
setup_users
setup_devices
setup_kernel_switches
log "system ready: users $TEST_USER (subids $SUBID_RANGE_START:$SUBID_RANGE_COUNT) and $NOSUB_USER (none)"
