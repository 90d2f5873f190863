#!/usr/bin/env bash
# Installs the system packages Tollgate builds and runs against (Debian/Ubuntu, as root or via sudo).
# Safe to run again: apt runs only when a package is missing, so a second run does nothing and
# needs no root.
set -euo pipefail
# tmux: the test suite types the README's story into a real terminal (TerminalSessionTests).
# pkg-config: the Debian package test compiles the C example with `pkg-config --cflags --libs tollgate`.
# chromium, chromium-driver, python3-selenium: the console's browser test (ConsoleBrowserTests) drives headless Chromium.
packages=(libssl-dev libcurl4-openssl-dev libsqlite3-dev openssl curl sqlite3 python3 tmux pkg-config chromium chromium-driver python3-selenium)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# The JOSE interoperability test checks our signatures with Python's `cryptography` package; any
# installation of it will do (pip or apt), so apt is asked only when Python cannot import it.
if ! python3 -c "import cryptography" 2>/dev/null; then
    dpkg-query -W -f='${Status}' python3-cryptography 2>/dev/null | grep -q "install ok installed" || missing+=(python3-cryptography)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: the Swift 6 toolchain is not on PATH (https://www.swift.org/install/linux/)" >&2; exit 1; }
