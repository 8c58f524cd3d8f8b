#!/usr/bin/env bash
# deps.sh [--gui] [--linux]
# Installs the Debian packages that building, imaging and testing rota need;
# --linux adds what the benchmark's Linux anchor boots (image/bench_linux.py).
# Quiet and quick when everything is already there; apt-get update runs only when
# something is missing, so a warm machine never touches the network.
set -euo pipefail

packages=(
    cmake make g++ binutils python3  # build and test drivers
    gnu-efi                          # efi/ headers, crt0 and linker script
    googletest libgtest-dev          # host unit tests
    ovmf qemu-system-x86             # the firmware and the machine the e2e tests boot
    mtools dosfstools                # FAT images without root or loop mounts
    fdisk gdisk                      # the stick's GPT: sfdisk writes it, sgdisk verifies it
    python3-matplotlib python3-pil   # plots and screenshots in the tools and e2e tests
    clang-format-14 black            # the formatting the lint_format test enforces
    clang-14 libclang-rt-14-dev      # libFuzzer and clang's sanitizer runtimes (tests/fuzz)
    llvm-14                          # llvm-symbolizer: sanitizer reports with file and line
    qemu-system-gui libegl1 libegl-mesa0  # virtio-gpu-gl-pci with egl-headless (virgl, llvmpipe)
    python3-pil                      # the VNC screen capture writes PNGs with Pillow
)
if [[ " $* " == *" --linux "* ]]; then
    packages+=(
        linux-image-amd64            # Debian's kernel, the benchmark's anchor
        busybox-static               # the anchor's initramfs shell
        linux-libc-dev               # kernel UAPI headers for its static programs
        libdrm-dev                   # the UAPI drm/ headers, which linux-libc-dev leaves out
    )
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ "$status" == installed ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "deps.sh: missing packages: ${missing[*]}" >&2
    echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
