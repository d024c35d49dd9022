#!/usr/bin/env bash
# Prepares a Debian 12 (or Ubuntu) machine for tsctr's end-to-end tests. Run as root; idempotent.
#   1. system.sh      Debian packages, users tsctr-test (subids 100000:65536) and tsctr-nosub (none),
#                     /dev/net/tun and /dev/fuse 0666, unprivileged user namespaces allowed
#   2. registries.sh  docker-registry on 127.0.0.1:5000 (no auth) and 127.0.0.1:5001 (htpasswd)
#   3. fixtures.sh    fixture images built from Debian packages (cached), pushed with skopeo
# See docs/testing.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
require_root
start=$SECONDS
bash "$here/system.sh"
bash "$here/registries.sh"
bash "$here/fixtures.sh"
log "e2e setup done in $((SECONDS - start)) s"
