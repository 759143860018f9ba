# Debian root filesystems for the test images (sourced by lib.sh). One debootstrap per suite, cached under
# $STATE_DIR/rootfs by the hash of this file and the suite's line in suites.txt; only the newest of each
# kind is kept. Needs root (debootstrap, chroot) and Debian's apt mirror.

# The Debian mirror this machine's apt uses (DOCKBASE_DEBIAN_MIRROR wins).
ti_mirror() {
  if [ -n "${DOCKBASE_DEBIAN_MIRROR:-}" ]; then echo "$DOCKBASE_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{for (i = 2; i <= NF; i++) print $i}'
           grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print ($2 ~ /^\[/) ? $3 : $2}'
         } | grep -E '^https?://' | grep -E '/debian/?$' | head -1)
  echo "${uri:-http://deb.debian.org/debian}"
}

ti_need_root_tools() {
  [ "$(id -u)" = 0 ] || ti_die "building the test images needs root (debootstrap, chroot): run as root"
  command -v debootstrap >/dev/null || apt_install debootstrap
}

# The suite's packages line from suites.txt.
ti_suite_packages() { awk -v s="$1" '$1 == s { $1 = ""; print substr($0, 2) }' "$TI_DIR/suites.txt"; }

# Keeps only the newest cache entry of a kind: removes DIR's siblings matching PATTERN except KEEP.
ti_prune() { # dir-glob keep
  local d
  for d in $1; do [ "$d" = "$2" ] || [ ! -e "$d" ] || rm -rf "$d"; done
}

# Prints the folder of SUITE's minimal root filesystem, debootstrapping it first when it is not cached.
ti_rootfs_minbase() { # suite
  local suite=$1 key dir
  key=$(ti_hash "$TI_DIR/rootfs.sh" -- minbase "$suite")
  dir=$STATE_DIR/rootfs/$suite-minbase-$key
  if [ ! -e "$dir/.complete" ]; then
    ti_need_root_tools
    rm -rf "$dir" && mkdir -p "$STATE_DIR/rootfs"
    local mirror; mirror=$(ti_mirror)
    ti_log "debootstrap --variant=minbase $suite from $mirror (log: $dir.log)" >&2
    debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.log" 2>&1 ||
      { tail -20 "$dir.log" >&2; ti_die "debootstrap $suite failed"; }
    touch "$dir/.complete"
    ti_prune "$STATE_DIR/rootfs/$suite-minbase-*" "$dir"
  fi
  echo "$dir"
}

# Prints the folder of SUITE's root filesystem with suites.txt's packages installed.
ti_rootfs_packages() { # suite
  local suite=$1 key dir minbase packages
  packages=$(ti_suite_packages "$suite")
  [ -n "$packages" ] || ti_die "suite $suite is not in suites.txt"
  minbase=$(ti_rootfs_minbase "$suite") || exit 1
  key=$(ti_hash "$TI_DIR/rootfs.sh" -- packages "$suite" "$packages" "$(basename "$minbase")")
  dir=$STATE_DIR/rootfs/$suite-packages-$key
  if [ ! -e "$dir/.complete" ]; then
    ti_need_root_tools
    rm -rf "$dir"
    cp -a "$minbase" "$dir"
    rm -f "$dir/.complete"
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    # No service starts in the chroot; no cluster created by postgresql-common's postinst.
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d" && chmod 755 "$dir/usr/sbin/policy-rc.d"
    mkdir -p "$dir/etc/postgresql-common"
    echo 'create_main_cluster = false' >"$dir/etc/postgresql-common/createcluster.conf"
    # A package named PACKAGE/RELEASE comes from that release of the same mirror (bookworm-backports): its
    # source is added beside the suite's own.
    local release
    for release in $(printf '%s\n' $packages | sed -n 's#^[^/]*/##p' | sort -u); do
      echo "deb $(ti_mirror) $release main" >>"$dir/etc/apt/sources.list.d/dockbase-releases.list"
    done
    ti_log "installing into the $suite root filesystem: $packages (log: $dir.log)" >&2
    # shellcheck disable=SC2086 # the package list is words
    chroot "$dir" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"' \
      sh $packages >"$dir.log" 2>&1 || { tail -20 "$dir.log" >&2; ti_die "apt-get install in the $suite root filesystem failed"; }
    touch "$dir/.complete"
    ti_prune "$STATE_DIR/rootfs/$suite-packages-*" "$dir"
  fi
  echo "$dir"
}
