#!/usr/bin/env bash
# Builds the two Debian packages of Tollgate with dpkg-deb (no debhelper needed):
#   tollgate_VERSION_ARCH.deb     /usr/bin/tollgate, systemd units tollgate-node.service (the
#                                 default node, /var/lib/tollgate/node, settings in
#                                 /etc/tollgate/node.env) and tollgate-node@.service (one per
#                                 node), example settings, the man page tollgate(1) made from --help
#   libtollgate_VERSION_ARCH.deb  libtollgate.so.VERSION (+ .so.MAJOR and .so links), libtollgate.a,
#                                 tollgate.h, the pkg-config file tollgate.pc, the C and Python examples
#
#   Deploy/package.sh --out DIR [-c release|debug] [--bin-path DIR]
#
# -c          the configuration to build (default release). A release tollgate links the Swift
#             runtime statically (--static-swift-stdlib), so it runs without a Swift toolchain.
# --bin-path  package what `swift build` already made in DIR (e.g. .build/debug) and build nothing:
#             the tests use it. A debug tollgate links the toolchain's Swift runtime dynamically, so
#             it runs only where that toolchain is installed.
#
# Prints the path of each package made.
set -euo pipefail

# The comment at the top is the usage.
usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit "${1:-2}"
}

root=$(cd "$(dirname "$0")/.." && pwd)
configuration=release
out=
bin=
while [[ $# -gt 0 ]]; do
    case $1 in
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        -c|--configuration) configuration=${2:?-c needs release or debug}; shift 2 ;;
        --bin-path) bin=${2:?--bin-path needs a directory}; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "package.sh: unknown argument $1" >&2; usage ;;
    esac
done
[[ -n $out ]] || { echo "package.sh: give --out DIR" >&2; usage; }
[[ $configuration == release || $configuration == debug ]] || { echo "package.sh: -c is release or debug, not $configuration" >&2; exit 2; }
command -v dpkg-deb >/dev/null || { echo "package.sh: dpkg-deb is missing (apt-get install dpkg)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ -z $bin ]]; then
    build=(-c "$configuration" --package-path "$root" --scratch-path "$root/.build/package")
    [[ $configuration == debug ]] || build+=(--static-swift-stdlib)
    swift build "${build[@]}" --product tollgate
    tool_bin=$(swift build "${build[@]}" --show-bin-path)
    library_build=(-c "$configuration")
else
    tool_bin=$bin
    library_build=(-c "$configuration" --bin-path "$bin")
fi
[[ -x $tool_bin/tollgate ]] || { echo "package.sh: $tool_bin/tollgate is missing; build first (swift build --product tollgate)" >&2; exit 1; }

arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
version=$("$tool_bin/tollgate" --version | awk '{ print $2 }')
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "package.sh: tollgate --version printed no version: $version" >&2; exit 1; }
maintainer="Tollgate maintainers <tollgate@localhost>"
work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Debug packages exist for the tests: quick compression. Releases get xz, as the archive does.
compression=(-Zxz)
[[ $configuration == release ]] || compression=(-Zgzip -z1)

# The man page: the top-level help as the description, then each command group's help (the
# groups are the subcommands whose help line says "(tollgate NAME --help)"), each as a
# preformatted section, so nothing is retyped and the page says what --help says.
man_page() {
    local tool=$1 help group
    help=$("$tool" --help)
    roff_escape() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
    echo ".TH TOLLGATE 1 \"$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)\" \"tollgate $version\" \"User Commands\""
    echo ".SH NAME"
    echo "tollgate \\- $(sed -n '1s/^OVERVIEW: *Tollgate *[—-]* *//p' <<<"$help" | roff_escape)"
    echo ".SH SYNOPSIS"
    echo ".B tollgate"
    echo ".I subcommand"
    echo "[options]"
    echo ".SH DESCRIPTION"
    echo ".nf"
    tail -n +2 <<<"$help" | roff_escape
    echo ".fi"
    for group in $(sed -n 's/.*(tollgate \([a-z-]*\) --help)$/\1/p' <<<"$help"); do
        echo ".SH \"TOLLGATE ${group^^}\""
        echo ".nf"
        "$tool" "$group" --help | roff_escape
        echo ".fi"
    done
    echo ".SH FILES"
    echo ".TP"
    echo ".I /etc/tollgate/node.env"
    echo "settings of tollgate-node.service, the node in /var/lib/tollgate/node"
    echo ".SH SEE ALSO"
    echo "systemctl(1); 'tollgate COMMAND --help' for each command's options"
}

# --- tollgate ---------------------------------------------------------------------------------
tool=$work/tollgate
install -D -m 0755 "$tool_bin/tollgate" "$tool/usr/bin/tollgate"
if [[ $configuration == release ]]; then strip --strip-unneeded "$tool/usr/bin/tollgate"; fi
install -D -m 0644 "$root/Deploy/systemd/tollgate-node.service" "$tool/lib/systemd/system/tollgate-node.service"
# The template unit names the binary where a hand install puts it; the package puts it in /usr/bin.
install -d "$tool/lib/systemd/system"
sed 's|/usr/local/bin/tollgate|/usr/bin/tollgate|g' "$root/Deploy/systemd/tollgate-node@.service" > "$tool/lib/systemd/system/tollgate-node@.service"
install -D -m 0644 "$root/Deploy/config/node.env" "$tool/etc/tollgate/node.env"
for example in "$root"/Deploy/config/*.env; do
    [[ $(basename "$example") == node.env ]] || install -D -m 0644 "$example" "$tool/usr/share/doc/tollgate/examples/$(basename "$example")"
done
install -d "$tool/usr/share/man/man1"
man_page "$tool/usr/bin/tollgate" | gzip -9n > "$tool/usr/share/man/man1/tollgate.1.gz"
install -d "$tool/DEBIAN"
echo /etc/tollgate/node.env > "$tool/DEBIAN/conffiles"
cat > "$tool/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# The nodes run as the system user tollgate, in /var/lib/tollgate; nothing starts before a node exists.
set -e
if [ "$1" = configure ]; then
    getent group tollgate >/dev/null || groupadd --system tollgate
    getent passwd tollgate >/dev/null || useradd --system --gid tollgate --home-dir /var/lib/tollgate --no-create-home --shell /usr/sbin/nologin tollgate
    install -d -m 0750 -o tollgate -g tollgate /var/lib/tollgate
    if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
fi
exit 0
EOF
cat > "$tool/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# Node directories in /var/lib/tollgate hold keys and signed logs: removing the package keeps them.
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
exit 0
EOF
cat > "$tool/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then systemctl stop tollgate-node.service || true; fi
exit 0
EOF
chmod 0755 "$tool/DEBIAN/postinst" "$tool/DEBIAN/postrm" "$tool/DEBIAN/prerm"
cat > "$tool/DEBIAN/control" <<EOF
Package: tollgate
Version: $version
Architecture: $arch
Maintainer: $maintainer
Section: net
Priority: optional
Depends: libc6, libstdc++6, libgcc-s1, libssl3, libcurl4, libsqlite3-0, passwd
Installed-Size: $(du -sk "$tool" | cut -f1)
Homepage: https://example.invalid/tollgate
Description: distributed license channel: vendor root, agents, offline activation
 A vendor root signs allocation certificates for agents, who issue licenses and
 activate machines offline, and sync tamper-evident Merkle logs up the tree;
 the root audits. This package holds the tollgate command, the systemd units
 of a node and the man page.
EOF
dpkg-deb --root-owner-group "${compression[@]}" --build "$tool" "$out/tollgate_${version}_${arch}.deb" >/dev/null
echo "$out/tollgate_${version}_${arch}.deb"

# --- libtollgate ------------------------------------------------------------------------------
prefix=$work/libtollgate-prefix
"$root/Deploy/build-libtollgate.sh" --prefix "$prefix" "${library_build[@]}" >/dev/null
library_version=$(sed -n 's/^Version: //p' "$prefix/lib/pkgconfig/tollgate.pc")
lib=$work/libtollgate
libdir=usr/lib/$multiarch
install -d "$lib/$libdir/pkgconfig" "$lib/usr/include" "$lib/usr/share/doc/libtollgate/examples" "$lib/DEBIAN"
cp -P "$prefix"/lib/libtollgate.so* "$lib/$libdir/"
install -m 0644 "$prefix/lib/libtollgate.a" "$lib/$libdir/libtollgate.a"
install -m 0644 "$prefix/include/tollgate.h" "$lib/usr/include/tollgate.h"
sed -e 's|^prefix=.*|prefix=/usr|' -e "s|^libdir=.*|libdir=\${prefix}/lib/$multiarch|" \
    "$prefix/lib/pkgconfig/tollgate.pc" > "$lib/$libdir/pkgconfig/tollgate.pc"
for example in check-license.c check_license.py activate_offline.py tollgate.py verify-threads.c; do
    install -m 0644 "$root/Deploy/libtollgate/$example" "$lib/usr/share/doc/libtollgate/examples/$example"
done
# ldconfig runs once at the end of dpkg's run, when the library comes or goes.
echo "activate-noawait ldconfig" > "$lib/DEBIAN/triggers"
cat > "$lib/DEBIAN/control" <<EOF
Package: libtollgate
Version: $library_version
Architecture: $arch
Maintainer: $maintainer
Section: libs
Priority: optional
Depends: libc6, libstdc++6, libgcc-s1, libssl3
Installed-Size: $(du -sk "$lib" | cut -f1)
Homepage: https://example.invalid/tollgate
Description: Tollgate's offline license check for C, C++, Python, Go, Rust
 libtollgate verifies a Tollgate license and this machine's activation offline:
 the vendor's whole certificate chain, quota, territory, window, features and
 revocations. The Swift runtime is inside; it needs only libc, libstdc++ and
 libcrypto. Header tollgate.h, pkg-config name tollgate, shared and static.
EOF
dpkg-deb --root-owner-group "${compression[@]}" --build "$lib" "$out/libtollgate_${library_version}_${arch}.deb" >/dev/null
echo "$out/libtollgate_${library_version}_${arch}.deb"
