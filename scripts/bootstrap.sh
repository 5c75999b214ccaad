#!/usr/bin/env bash
# Installs everything Tipring needs to build, run and test on Debian 12 / Ubuntu 22.04+.
# The README's two commands and .ci/run both start here; it is safe to run again.
#
# Other systems (not exercised by CI; keep in step with the list below):
#   Fedora:  sudo dnf install cmake ninja-build gcc-c++ clang clang-tools-extra \
#              qt6-qtbase-devel qt6-qtsvg-devel qtkeychain-qt6-devel portaudio-devel \
#              opus-devel speexdsp-devel hidapi-devel sqlite-devel hiredis-devel \
#              gtest-devel gmock-devel google-benchmark-devel expected-devel tomlplusplus-devel \
#              openssl-devel spandsp-devel sipp kamailio redis pulseaudio-utils sox
#   Windows: vcpkg in manifest mode reads packaging/vcpkg.json
#              cmake --preset release -DCMAKE_TOOLCHAIN_FILE=%VCPKG_ROOT%/scripts/buildsystems/vcpkg.cmake
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config git ccache
  clang-14 clang-format clang-tidy libfuzzer-14-dev libclang-rt-14-dev
)
lib_pkgs=(
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev qtkeychain-qt6-dev libsecret-1-0 libgl-dev
  portaudio19-dev libopus-dev libspeexdsp-dev libhidapi-dev
  libsqlite3-dev libhiredis-dev libtomlplusplus-dev libexpected-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Independent peers, oracles and tools used by the tests and benchmarks only.
test_pkgs=(
  libspandsp-dev sip-tester baresip kamailio kamailio-extra-modules kamailio-sqlite-modules kamailio-tls-modules
  rtpengine-daemon redis-server dbus gnome-keyring libsecret-tools dnsmasq-base
  pulseaudio pulseaudio-utils sox espeak-ng tshark xvfb
  iproute2 nftables conntrack procps psmisc python3 curl util-linux
)

want=("${build_pkgs[@]}" "${lib_pkgs[@]}")
if [[ "${1:-}" != "--no-test-tools" ]]; then want+=("${test_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#want[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Services from these packages (redis, rtpengine, kamailio) are started by the tests
# themselves, on loopback and with their own configs: keep the package scripts from starting them.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
  $sudo chmod +x $policy
  added_policy=1
fi
trap '[[ $added_policy -eq 1 ]] && $sudo rm -f $policy' EXIT
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "bootstrap: installed ${#missing[@]} packages"
