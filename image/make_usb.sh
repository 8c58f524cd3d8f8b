#!/usr/bin/env bash
# make_usb.sh OUT.img BOOTX64.EFI rota.cfg
# Builds the USB stick image: a GPT disk whose partition table is image/usb.sfdisk,
# written by sfdisk, with the EFI System Partition's FAT32 volume (image/make_esp.sh)
# copied in at the partition's start. 1 MiB of room before the partition holds the
# protective MBR and the primary GPT, 1 MiB after it the backup GPT.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 OUT.img BOOTX64.EFI rota.cfg" >&2
    exit 2
fi
out=$1 efi=$2 cfg=$3
here=$(cd "$(dirname "$0")" && pwd)
table="$here/usb.sfdisk"
for tool in sfdisk mkfs.vfat mcopy; do
    if ! command -v "$tool" >/dev/null; then
        echo "make_usb.sh: $tool is missing; run image/deps.sh as root" >&2
        exit 1
    fi
done

# The partition's place, as the script states it (sectors of 512 bytes).
start=$(sed -n 's/^start= *\([0-9]*\),.*/\1/p' "$table")
size=$(sed -n 's/^start=.*size= *\([0-9]*\),.*/\1/p' "$table")
total=$((start + size + 2048))

tmp="$out.tmp" esp="$out.esp.tmp"
trap 'rm -f "$tmp" "$esp"' EXIT
rm -f "$tmp" "$esp"
# The volume records how many sectors precede it (BPB_HiddSec); firmware and
# Windows may check it, so it is the partition's first LBA here and 0 in esp.img.
"$here/make_esp.sh" "$esp" "$efi" "$cfg" "$start"
if [[ $(stat -c %s "$esp") -ne $((size * 512)) ]]; then
    echo "make_usb.sh: the ESP is $(stat -c %s "$esp") bytes, but $table gives its" \
        "partition $size sectors; change the two together" >&2
    exit 1
fi

truncate -s $((total * 512)) "$tmp"
sfdisk --quiet --no-reread --no-tell-kernel "$tmp" <"$table"
# conv=sparse skips the volume's zero blocks, so the image stays sparse on disk.
dd if="$esp" of="$tmp" bs=512 seek="$start" conv=notrunc,sparse status=none
mv "$tmp" "$out"
