#!/usr/bin/env bash
# build-initramfs.sh KERNEL_DIR OUT: a gzip'd cpio with busybox-static, the guest's /init and the
# kernel modules the test guest needs (virtio, 9p, overlay, virtio_blk + ext4, fuse for keep-id's
# fuse-overlayfs). KERNEL_DIR is an unpacked linux-image package (boot/vmlinuz-*, lib/modules/*).
# Deterministic and cheap (~1 s).
set -euo pipefail
kernel_dir=$1 out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
modules_dir=$(echo "$kernel_dir"/lib/modules/*)
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci fscache netfs 9pnet
  9pnet_virtio 9p overlay virtio_blk crc16 crc32c_generic mbcache jbd2 ext4 fuse"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/modules"
cp /bin/busybox "$work/bin/busybox"
# ldd succeeds only for a dynamic executable, which would need libraries the initramfs lacks.
! ldd /bin/busybox >/dev/null 2>&1 \
  || { echo "build-initramfs: /bin/busybox is not static (install busybox-static)" >&2; exit 1; }
for m in $MODULES; do
  f=$(find "$modules_dir/kernel" -name "$m.ko" -print -quit)
  [ -n "$f" ] || { echo "build-initramfs: module $m not found under $modules_dir" >&2; exit 1; }
  cp "$f" "$work/modules/"
done
install -m 0755 "$here/guest/initramfs-init.sh" "$work/init"
(cd "$work" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) | gzip -n -1 >"$out.tmp"
mv "$out.tmp" "$out"
