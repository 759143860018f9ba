# The base layer of every real server's test image of one Debian suite (sourced by lib.sh's ti_ensure_base
# with ROOTFS, the suite's root filesystem with its packages, and STAGE, an empty folder to fill).
#
# What the official images' entrypoints and healthchecks rely on: bash (the entrypoints are bash), a POSIX
# sh (dash, as on Debian; Docker runs CMD-SHELL healthchecks through /bin/sh -c), the usual command-line
# tools (GNU find and xargs, which the entrypoints use with -exec {} +; busybox applets for the rest:
# sed, awk, gzip, hostname, id, ...), gosu to drop root, the C libraries the
# servers share, time zones, the C.UTF-8 locale, /tmp with mode 1777, passwd and group files.

# Debian's merged /usr: /bin, /sbin, /lib and /lib64 are links into /usr.
mkdir -p "$STAGE"/usr/{bin,sbin,lib,lib64,local/bin,local/sbin,share} "$STAGE"/{etc,root,home,run,tmp,var/tmp,var/lib,var/cache,var/log}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$STAGE/$d"; done
ln -s ../run "$STAGE/var/run"
chmod 1777 "$STAGE/tmp" "$STAGE/var/tmp"
chmod 700 "$STAGE/root"

ti_copy "$ROOTFS" "$STAGE" /usr/bin/bash /usr/bin/dash /usr/sbin/gosu /usr/bin/busybox /usr/bin/find /usr/bin/xargs \
  /usr/share/zoneinfo /usr/lib/locale/C.utf8 /etc/os-release /usr/lib/os-release
ln -s dash "$STAGE/usr/bin/sh"
# Every busybox applet that Debian's minimal system would have as a real tool, except the shells.
for applet in $(chroot "$ROOTFS" /usr/bin/busybox --list); do
  case $applet in sh | ash | bash | hush | busybox) continue ;; esac
  [ -e "$STAGE/usr/bin/$applet" ] || [ -e "$STAGE/usr/sbin/$applet" ] || ln -s busybox "$STAGE/usr/bin/$applet"
done

# Libraries every server here links (glibc, C++ runtime, TLS, compression, systemd's notify library).
libs=()
for soname in libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 libresolv.so.2 libgcc_s.so.1 \
  libstdc++.so.6 libz.so.1 libssl.so.3 libcrypto.so.3 libzstd.so.1 liblz4.so.1 liblzma.so.5 libsystemd.so.0 \
  libcap.so.2 libgcrypt.so.20 libgpg-error.so.0 libtinfo.so.6 libcrypt.so.1; do
  found=$(find "$ROOTFS/usr/lib" -maxdepth 2 -name "$soname" | head -1)
  [ -n "$found" ] && libs+=("${found#"$ROOTFS"}")
done
for lib in "${libs[@]}"; do
  mkdir -p "$STAGE$(dirname "$lib")"
  cp -L "$ROOTFS$lib" "$STAGE$lib"
done
ti_copy_libs "$ROOTFS" "$STAGE" "${libs[@]}"
# The dynamic loader at the path every ELF file names.
loader=$(cd "$ROOTFS" && find usr/lib -maxdepth 2 -name 'ld-linux-*.so.*' | head -1)
mkdir -p "$STAGE/$(dirname "$loader")" && cp -L "$ROOTFS/$loader" "$STAGE/$loader"
case $(basename "$loader") in
  ld-linux-x86-64.so.2) ln -sf "../lib/$(basename "$(dirname "$loader")")/$(basename "$loader")" "$STAGE/usr/lib64/ld-linux-x86-64.so.2" ;;
  *) ln -sf "$(basename "$(dirname "$loader")")/$(basename "$loader")" "$STAGE/usr/lib/$(basename "$loader")" ;;
esac

printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >"$STAGE/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$STAGE/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$STAGE/etc/group"
