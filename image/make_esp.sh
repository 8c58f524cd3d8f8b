#!/usr/bin/env bash
# make_esp.sh OUT.img BOOTX64.EFI rota.cfg [HIDDEN_SECTORS]
# Builds the EFI System Partition as a bare FAT32 volume: EFI/BOOT/BOOTX64.EFI (the
# removable-media path every UEFI firmware looks for) and rota.cfg at the root.
# mtools writes into the image file directly, so no root and no loop mounts.
# HIDDEN_SECTORS (default 0) is how many sectors precede the volume on its disk:
# image/make_usb.sh puts it inside a partition.
set -euo pipefail

if [[ $# -lt 3 || $# -gt 4 ]]; then
    echo "usage: $0 OUT.img BOOTX64.EFI rota.cfg [HIDDEN_SECTORS]" >&2
    exit 2
fi
out=$1 efi=$2 cfg=$3 hidden=${4:-0}

# 64 MiB is the smallest size at which FAT32 with 512-byte clusters has the 65525
# clusters FAT32 requires, with room to spare; some PC firmware reads only FAT32 ESPs.
size_mib=64

tmp="$out.tmp"
trap 'rm -f "$tmp"' EXIT
rm -f "$tmp"
truncate -s "${size_mib}M" "$tmp"
# --invariant (fixed volume id and times) makes the boot sector and FATs reproducible.
mkfs.vfat -F 32 -n ROTA --invariant -h "$hidden" "$tmp" >/dev/null

export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp" ::/EFI ::/EFI/BOOT
mcopy -i "$tmp" -m "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$tmp" -m "$cfg" ::/rota.cfg
mv "$tmp" "$out"
trap - EXIT
