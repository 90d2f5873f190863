#!/usr/bin/env bash
# Builds libtollgate, the offline license check for C, C++, Python..., and installs it into a prefix:
#   PREFIX/lib/libtollgate.so.VERSION (+ .so.MAJOR and .so links), PREFIX/lib/libtollgate.a,
#   PREFIX/include/tollgate.h, PREFIX/lib/pkgconfig/tollgate.pc
#
#   Deploy/build-libtollgate.sh --prefix DIR [-c release|debug] [--bin-path DIR] [--sanitize thread]
#
# -c          the configuration to build (default release).
# --bin-path  link what `swift build` already made in DIR (e.g. .build/debug) and build nothing:
#             the tests use it to reuse the suite's debug build.
# --sanitize  build the library's Swift code instrumented for ThreadSanitizer (in a scratch
#             directory of its own, .build/libtollgate-thread), for a program built with
#             `clang -fsanitize=thread` from the Swift toolchain: the tests check the threading
#             contract of tollgate.h with it. Not for shipping: it needs the TSan runtime.
#
# The Swift runtime and Foundation go inside the library (-static-stdlib), so `ldd` shows no
# libswift* and the customer's machine needs no Swift toolchain, only libc, libstdc++ and
# libcrypto. A version script (Sources/TollgateC/tollgate.exports) keeps every symbol but the
# API local. The static library is one relocatable object holding the same code and runtime,
# with the same symbols global: link it with -lcrypto -lstdc++ -lm (pkg-config --static says so).
set -euo pipefail

# The comment at the top is the usage.
usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit "${1:-2}"
}

root=$(cd "$(dirname "$0")/.." && pwd)
configuration=release
prefix=
bin=
sanitize=
while [[ $# -gt 0 ]]; do
    case $1 in
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        -c|--configuration) configuration=${2:?-c needs release or debug}; shift 2 ;;
        --bin-path) bin=${2:?--bin-path needs a directory}; shift 2 ;;
        --sanitize) sanitize=${2:?--sanitize needs thread}; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "build-libtollgate.sh: unknown argument $1" >&2; usage ;;
    esac
done
[[ -n $prefix ]] || { echo "build-libtollgate.sh: give --prefix DIR" >&2; usage; }
[[ $configuration == release || $configuration == debug ]] || { echo "build-libtollgate.sh: -c is release or debug, not $configuration" >&2; exit 2; }
[[ -z $sanitize || $sanitize == thread ]] || { echo "build-libtollgate.sh: --sanitize takes thread, not $sanitize" >&2; exit 2; }
[[ -z $sanitize || -z $bin ]] || { echo "build-libtollgate.sh: --sanitize builds its own objects; it does not go with --bin-path" >&2; exit 2; }
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

source_dir=$root/Sources/TollgateC
exports=$source_dir/tollgate.exports
version=$(sed -n 's/.*static let current = "\([0-9.]*\)".*/\1/p' "$source_dir/LibraryVersion.swift")
[[ -n $version ]] || { echo "build-libtollgate.sh: no version in $source_dir/LibraryVersion.swift" >&2; exit 1; }
major=${version%%.*}

if [[ -z $bin ]]; then
    # Whole-module optimization puts a specialization the wallet uses into the object of the
    # online ActivationClient, which would pull in TollgateHTTP and libcurl. Built file by file
    # (in a scratch directory of its own, so the tool's release build keeps its flags), every object
    # holds what it uses, and only the offline code is linked.
    build=(-c "$configuration" --package-path "$root" --scratch-path "$root/.build/libtollgate${sanitize:+-$sanitize}" -Xswiftc -no-whole-module-optimization)
    [[ -z $sanitize ]] || build+=(-Xswiftc -sanitize="$sanitize")
    swift build "${build[@]}" --product libtollgate
    bin=$(swift build "${build[@]}" --show-bin-path)
fi
archive=$bin/liblibtollgate.a
objects=("$bin"/TollgateC.build/*.o)
[[ -f $archive && -f ${objects[0]} ]] || {
    echo "build-libtollgate.sh: $archive or $bin/TollgateC.build/*.o is missing; build first (swift build --product libtollgate)" >&2
    exit 1
}

swift_bin=$(dirname "$(readlink -f "$(command -v swiftc)")")
swift_static=$swift_bin/../lib/swift_static/linux
work=$(mktemp -d "${TMPDIR:-/tmp}/libtollgate.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Every object's autolink entries name every library of every module it imports, libcurl and
# libssl included (TollgateClient imports TollgateHTTP for online activation), and the driver puts
# them before any --as-needed. So the script takes the entries off copies of the objects and
# names the same libraries itself after --as-needed: only those the linked code uses stay needed.
libraries=$("$swift_bin/swift-autolink-extract" "${objects[@]}" "$archive" -o - | sort -u)
# The static runtime libraries name their own dependencies the same way (Foundation needs
# _FoundationICU, ...): follow them until no new library appears. CoreFoundation, which Foundation
# is built on, is C and names itself nowhere.
# (A library linked to the shared Swift runtime, the instrumented one, needs only the first ones.)
direct=$libraries
if grep -qx -- -lFoundation <<<"$libraries"; then libraries=$(printf '%s\n' "$libraries" -lCoreFoundation | sort -u); fi
while :; do
    static=()
    for library in $libraries; do
        [[ -f $swift_static/lib${library#-l}.a ]] && static+=("$swift_static/lib${library#-l}.a")
    done
    more=$( { echo "$libraries"; "$swift_bin/swift-autolink-extract" "${static[@]}" -o -; } | sort -u)
    [[ $more == "$libraries" ]] && break
    libraries=$more
done
mkdir -p "$work/objects"
inputs=()
for object in "${objects[@]}" "$archive"; do
    copy=$work/objects/$(basename "$object")
    objcopy --remove-section=.swift1_autolink_entries "$object" "$copy"
    inputs+=("$copy")
done
linker_libraries=()
[[ -z $sanitize ]] || libraries=$direct
for library in $libraries; do linker_libraries+=(-Xlinker "$library"); done

so=libtollgate.so.$version
# An instrumented library calls the sanitizer's runtime, which the program brings (clang links it
# into executables only): its symbols stay undefined here. And it links the Swift runtime
# dynamically: the runtime tells ThreadSanitizer about its own synchronization (swift_once, the
# metadata caches) through a hook TSan finds by dlsym, which the static runtime keeps hidden, so
# with it every lazily made global would read as a race.
link=(-static-stdlib -Xlinker --no-undefined)
[[ -z $sanitize ]] || link=()
swiftc -emit-library "${link[@]}" -o "$work/$so" "${inputs[@]}" \
    -Xlinker --version-script="$exports" -Xlinker -soname=libtollgate.so."$major" \
    -Xlinker --as-needed -Xlinker --start-group "${linker_libraries[@]}" -Xlinker --end-group \
    2> >(grep -v "the use of \`mktemp' is dangerous" >&2)

# What the customer's machine must have: the C and C++ runtimes and libcrypto, nothing of Swift's
# (but in an instrumented build) and nothing of the online client's (libcurl, libssl).
needed=$(readelf -d "$work/$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
unwanted=$(grep -E "^lib(${sanitize:+x}swift|${sanitize:+x}Foundation|${sanitize:+x}dispatch|${sanitize:+x}BlocksRuntime|curl|ssl|sqlite)" <<<"$needed" || true)
if [[ -n $unwanted ]]; then
    echo "build-libtollgate.sh: the library would need $(tr '\n' ' ' <<<"$unwanted")(it needs: $(tr '\n' ' ' <<<"$needed"))" >&2
    exit 1
fi

# The static library: one relocatable object with our code, the Swift runtime and Foundation, in
# which only the API stays global, so it cannot clash with anything the customer links.
api=$work/api.symbols
sed -n 's/^ *\(tollgate_[a-z_]*\);$/\1/p' "$exports" > "$api"
ld -r -o "$work/tollgate.o" "$swift_static/$(uname -m)/swiftrt.o" "${inputs[@]:0:${#objects[@]}}" \
    --start-group "${inputs[@]: -1}" "${static[@]}" --end-group
objcopy --keep-global-symbols="$api" "$work/tollgate.o"
# A release installs stripped, as distributions do; a debug build keeps its symbols for the debugger.
if [[ $configuration == release ]]; then
    strip --strip-unneeded "$work/$so"
    strip --strip-debug "$work/tollgate.o"
fi
rm -f "$work/libtollgate.a"
ar rcs "$work/libtollgate.a" "$work/tollgate.o"

mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$work/$so" "$prefix/lib/$so"
ln -sf "$so" "$prefix/lib/libtollgate.so.$major"
ln -sf "$so" "$prefix/lib/libtollgate.so"
install -m 0644 "$work/libtollgate.a" "$prefix/lib/libtollgate.a"
install -m 0644 "$source_dir/tollgate.h" "$prefix/include/tollgate.h"
cat > "$prefix/lib/pkgconfig/tollgate.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: tollgate
Description: Tollgate's offline license check: the vendor's chain, the license, this machine's activation
Version: $version
Libs: -L\${libdir} -ltollgate
Libs.private: -lcrypto -lstdc++ -lm -lpthread -ldl
Cflags: -I\${includedir}
EOF
echo "libtollgate $version in $prefix: lib/$so ($(stat -c %s "$prefix/lib/$so") bytes), lib/libtollgate.a ($(stat -c %s "$prefix/lib/libtollgate.a") bytes), include/tollgate.h, lib/pkgconfig/tollgate.pc"
