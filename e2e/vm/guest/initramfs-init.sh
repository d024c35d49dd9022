#!/bin/busybox sh
# /init of the test guest's initramfs (busybox-static + kernel modules): loads the virtio, 9p,
# overlay and ext4 modules, mounts the host's filesystem (9p, read-only) with a tmpfs overlay for
# writes, and switch_roots into it, running the stage-2 script named by tsctr.stage2= on the
# kernel command line. Everything is logged on the console (ttyS0).
/bin/busybox mkdir -p /proc /sys /dev /lower /rw /newroot
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Module order is not known without modules.dep: a few passes resolve the dependencies.
for pass in 1 2 3 4 5; do
  for m in /modules/*.ko; do
    name=$(basename "$m" .ko)
    grep -q "^$(echo "$name" | tr - _) " /proc/modules || insmod "$m" 2>/dev/null
  done
done
stage2=$(sed -n 's/.*tsctr\.stage2=\([^ ]*\).*/\1/p' /proc/cmdline)
fail() { echo "initramfs: $*"; poweroff -f; }
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose host /lower || fail "mount 9p host share"
mount -t tmpfs -o mode=0755 tmpfs /rw || fail "tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || fail "overlay root"
# Stage 2 mounts its own /proc, /sys and /dev (the root's directories are the host's, over 9p).
umount /proc /sys /dev
exec switch_root /newroot /bin/sh "$stage2"
