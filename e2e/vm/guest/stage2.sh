#!/bin/sh
# Stage 2 of the test guest (PID 1 after switch_root, root): mounts what a booted system has,
# the store disk and cgroup2, delegates a cgroup subtree to the test user the way systemd's
# user@.service does (controllers enabled down the path, the cgroup and its cgroup.procs,
# cgroup.subtree_control and cgroup.threads owned by the user), runs limits.sh as that user in it
# with its output on the second serial port, and powers off.
# Parameters (a shell file named by tsctr.params= on the kernel command line): TEST_USER,
# STORE_ROOT, IMAGE.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
# Read before /tmp gets its own tmpfs (the file may live in the host's /tmp).
params=$(sed -n 's/.*tsctr\.params=\([^ ]*\).*/\1/p' /proc/cmdline)
. "$params"
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# As the machine setup does on the host: fuse-overlayfs (--userns=keep-id) needs a usable /dev/fuse.
chmod 0666 /dev/fuse 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up 2>/dev/null
results=/dev/ttyS1
say() { echo "$*" >"$results"; }
finish() { say "END $1"; sync; poweroff -f; }

mount /dev/vda "$STORE_ROOT" || finish "mount-store-failed"
uid=$(id -u "$TEST_USER")
gid=$(id -g "$TEST_USER")
home=$(getent passwd "$TEST_USER" | cut -d: -f6)
controllers="+cpu +cpuset +io +memory +pids"
delegated=/user.slice/user-$uid.slice/user@$uid.service
dir=/sys/fs/cgroup
for part in user.slice user-$uid.slice user@$uid.service; do
  echo "$controllers" >"$dir/cgroup.subtree_control" || finish "enable-controllers-failed-$dir"
  dir=$dir/$part
  mkdir -p "$dir"
done
chown "$uid:$gid" "$dir" "$dir/cgroup.procs" "$dir/cgroup.subtree_control" "$dir/cgroup.threads"
say "BOOTED controllers=$(cat "$dir/cgroup.controllers" | tr ' ' ,) kernel=$(uname -r)"

runroot=/tmp/tsctr-vm-run
mkdir -p "$runroot" && chown "$uid:$gid" "$runroot" && chmod 0700 "$runroot"
# The user's shell lives in the delegated cgroup, like a service with Delegate=yes.
sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "/sys/fs/cgroup$delegated" \
  setpriv --reuid="$uid" --regid="$gid" --init-groups \
  env -i HOME="$home" USER="$TEST_USER" PATH="$PATH" XDG_RUNTIME_DIR="$runroot" \
  STORE_ROOT="$STORE_ROOT" RUNROOT="$runroot/run" IMAGE="$IMAGE" CGROUP="/sys/fs/cgroup$delegated" \
  sh "$(dirname "$0")/limits.sh" >"$results" 2>&1
finish "status=$?"
