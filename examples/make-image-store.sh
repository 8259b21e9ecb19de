#!/usr/bin/env bash
# make-image-store.sh: regenerate examples/image-store/ (small, real disk images) and
# examples/recorded/ (what the reference tools say about them).
#
# Needs these Debian packages:
#   qemu-utils                   (qemu-img; written against 1:7.2+dfsg, Debian 12)
#   android-sdk-libsparse-utils  (img2simg, simg2img)
#   coreutils, python3           (truncate, dd, sha256sum; header decoding for recorded/)
#
# Deterministic as far as the tools allow: no random data, no timestamps are written by us,
# and qemu-img / img2simg put none in these headers. Not deterministic: the "actual-size"
# field in recorded/*.qemu-img-info.json is st_blocks*512, so it depends on the file system
# the store lives on (sparse files, block allocation), not on the image bytes.
#
# Runnable from any directory: it works in the folder that holds this script.
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
export LC_ALL=C

STORE=image-store
REC=recorded

rm -rf -- "$STORE" "$REC"
mkdir -p -- "$STORE" "$REC"

TMP=$(mktemp -d)
trap 'rm -rf -- "$TMP"' EXIT

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

# put_bytes FILE OFFSET PRINTF-FORMAT: overwrite bytes at OFFSET without truncating.
put_bytes() {
    local file=$1 offset=$2 fmt=$3
    # shellcheck disable=SC2059
    printf "$fmt" | dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
}

# byte N: write one byte with value N (0..255) to stdout.
byte() {
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' "$1")"
}

# varint N: protobuf base-128 varint of unsigned N (low 7 bits first, MSB = "more follows").
varint() {
    local n=$1
    while (( n >= 0x80 )); do
        byte $(( (n & 0x7f) | 0x80 ))
        n=$(( n >> 7 ))
    done
    byte "$n"
}

# pattern TEXT N: TEXT repeated and cut to exactly N bytes (no `yes | head`: under
# pipefail, yes dies of SIGPIPE and the pipeline fails).
pattern() {
    local text=$1 n=$2 s=''
    while (( ${#s} < n )); do s+=$text; done
    printf '%s' "${s:0:n}"
}

# pb_string TAG STRING: length-delimited field (tag byte, varint length, bytes). ASCII only.
pb_string() {
    byte "$1"
    varint "${#2}"
    printf '%s' "$2"
}

# pb_varint TAG N: varint field; proto3 omits a field whose value is 0.
pb_varint() {
    if (( $2 != 0 )); then
        byte "$1"
        varint "$2"
    fi
}

# pb_message TAG FILE: embed the bytes of FILE as a length-delimited field.
pb_message() {
    byte "$1"
    varint "$(stat -c %s "$2")"
    cat -- "$2"
}

# ---------------------------------------------------------------------------
# qcow2 / qcow
# ---------------------------------------------------------------------------
qemu-img create -q -f qcow2 -o compat=1.1 "$STORE/qcow2-v3.qcow2" 64M
qemu-img create -q -f qcow2 -o compat=0.10 "$STORE/qcow2-v2.qcow2" 32M
qemu-img create -q -f qcow "$STORE/qcow-v1.qcow" 16M

# 1 MiB raw base plus a qcow2 v3 overlay naming it by a relative path (resolved by qemu
# relative to the overlay's own directory).
qemu-img create -q -f raw "$STORE/base.raw" 1M
(cd "$STORE" && qemu-img create -q -f qcow2 -o compat=1.1 -b base.raw -F raw overlay-with-backing.qcow2)

# ---------------------------------------------------------------------------
# raw
# ---------------------------------------------------------------------------
# 64 KiB, mostly zeros, with markers at known offsets:
#   0x00000  "image-audit raw-aligned\n" (24 bytes)
#   0x01000  de ad be ef
#   0x0fffc  "END!" (the last 4 bytes)
truncate -s 65536 "$STORE/raw-aligned.img"
put_bytes "$STORE/raw-aligned.img" 0 'image-audit raw-aligned\n'
put_bytes "$STORE/raw-aligned.img" 4096 '\336\255\276\357'
put_bytes "$STORE/raw-aligned.img" 65532 'END!'

# 5000 bytes (not a multiple of 512 or 4096), with a marker at 0 and in the last 4 bytes.
truncate -s 5000 "$STORE/raw-unaligned.img"
put_bytes "$STORE/raw-unaligned.img" 0 'image-audit raw-unaligned\n'
put_bytes "$STORE/raw-unaligned.img" 4996 'END!'

: > "$STORE/empty.img"

# ---------------------------------------------------------------------------
# Android sparse (img2simg, block size 4096)
# ---------------------------------------------------------------------------
# libsparse 29 (img2simg) turns each block whose 32-bit words are all equal into a FILL
# chunk (zero blocks too: FILL 0x00000000), merges runs, and keeps other blocks as RAW.
#
# system input, 256 KiB = 64 blocks:
#   blocks 0-3   data ("image-audit system.simg data block\n" repeated)
#   blocks 4-15  zero
#   block  16    0xAA repeated -> FILL 0xAAAAAAAA
#   blocks 17-31 zero
#   blocks 32-33 data
#   blocks 34-63 zero
truncate -s 262144 "$TMP/system.raw"
pattern $'image-audit system.simg data block\n' 16384 \
    | dd of="$TMP/system.raw" bs=4096 seek=0 conv=notrunc status=none
head -c 4096 /dev/zero | tr '\0' '\252' \
    | dd of="$TMP/system.raw" bs=4096 seek=16 conv=notrunc status=none
pattern $'image-audit system.simg second extent\n' 8192 \
    | dd of="$TMP/system.raw" bs=4096 seek=32 conv=notrunc status=none
img2simg "$TMP/system.raw" "$STORE/system.simg"

# vendor input, 1 MiB + 3 blocks = 1060864 bytes = 259 blocks:
#   block 0        data
#   blocks 1-257   zero
#   block 258      data (the last block)
truncate -s $(( 1048576 + 4096 * 3 )) "$TMP/vendor.raw"
pattern $'image-audit vendor.simg first block\n' 4096 \
    | dd of="$TMP/vendor.raw" bs=4096 seek=0 conv=notrunc status=none
pattern $'image-audit vendor.simg last block\n' 4096 \
    | dd of="$TMP/vendor.raw" bs=4096 seek=258 conv=notrunc status=none
img2simg "$TMP/vendor.raw" "$STORE/vendor.simg"

# ---------------------------------------------------------------------------
# crosvm composite disk (cdisk_spec.proto), proto3 encoding, zero-valued fields omitted
# ---------------------------------------------------------------------------
# Bytes of vm-disk.composite (58 bytes; see also recorded/vm-disk.composite.expected.txt):
#   63 6f 6d 70 6f 73 69 74 65 5f 64 69 73 6b 1d   "composite_disk\x1d" (15-byte magic)
#   08 01                                          CompositeDisk.version = 1
#   12 11                                          component_disks (field 2), 17 bytes:
#     0a 0f "raw-aligned.img"                        file_path (field 1), 15 bytes
#                                                    offset = 0 (omitted), READ_ONLY = 0 (omitted)
#   12 10                                          component_disks (field 2), 16 bytes:
#     0a 08 "base.raw"                               file_path, 8 bytes
#     10 80 80 04                                    offset = 65536 (varint 80 80 04)
#     18 01                                          read_write_capability = READ_WRITE (1)
#                                                    file_offset = 0 (omitted)
#   18 80 80 44                                    length = 65536 + 1048576 = 1114112 = 0x110000
# Total: 15 + 2 + 2+17 + 2+16 + 4 = 58 bytes.
COMP_LEN=$(( 65536 + 1048576 ))
{ pb_string 0x0A raw-aligned.img; pb_varint 0x10 0; pb_varint 0x18 0; pb_varint 0x20 0; } > "$TMP/c1.pb"
{ pb_string 0x0A base.raw; pb_varint 0x10 65536; pb_varint 0x18 1; pb_varint 0x20 0; } > "$TMP/c2.pb"
{
    printf 'composite_disk\035'
    pb_varint 0x08 1
    pb_message 0x12 "$TMP/c1.pb"
    pb_message 0x12 "$TMP/c2.pb"
    pb_varint 0x18 "$COMP_LEN"
} > "$STORE/vm-disk.composite"

cat > "$REC/vm-disk.composite.expected.txt" <<EOF
# vm-disk.composite as make-image-store.sh meant to write it (crosvm cdisk_spec.proto)
magic composite_disk\x1d
version 1
component 0: file_path=raw-aligned.img offset=0 read_write_capability=READ_ONLY(0) file_offset=0
component 1: file_path=base.raw offset=65536 read_write_capability=READ_WRITE(1) file_offset=0
length $COMP_LEN
EOF

chmod 0644 "$STORE"/*

# ---------------------------------------------------------------------------
# recorded answers
# ---------------------------------------------------------------------------
for f in "$STORE"/*; do
    name=${f#"$STORE"/}
    # qemu-img reads every file here (unknown magic probes as raw); keep whatever succeeds.
    if out=$(qemu-img info --output=json "$f" 2>"$TMP/err"); then
        printf '%s\n' "$out" > "$REC/$name.qemu-img-info.json"
    else
        echo "note: qemu-img info failed for $name: $(cat "$TMP/err")" >&2
    fi
done

for f in "$STORE"/*.simg; do
    name=${f#"$STORE"/}
    simg2img "$f" "$TMP/expanded.raw"
    stat -c %s "$TMP/expanded.raw" > "$REC/$name.simg2img-size"
    rm -f -- "$TMP/expanded.raw"
    python3 - "$f" > "$REC/$name.header.txt" <<'PY'
import struct, sys
path = sys.argv[1]
data = open(path, "rb").read()
(magic, major, minor, file_hdr_sz, chunk_hdr_sz, blk_sz, total_blks, total_chunks,
 checksum) = struct.unpack_from("<IHHHHIIII", data, 0)
names = {0xCAC1: "RAW", 0xCAC2: "FILL", 0xCAC3: "DONT_CARE", 0xCAC4: "CRC32"}
counts = {n: 0 for n in names.values()}
print(f"magic 0x{magic:08X}")
print(f"major_version {major}")
print(f"minor_version {minor}")
print(f"file_hdr_sz {file_hdr_sz}")
print(f"chunk_hdr_sz {chunk_hdr_sz}")
print(f"blk_sz {blk_sz}")
print(f"total_blks {total_blks}")
print(f"total_chunks {total_chunks}")
print(f"image_checksum 0x{checksum:08X}")
print(f"expanded_size {total_blks * blk_sz}")
pos, blocks = file_hdr_sz, 0
for i in range(total_chunks):
    ctype, _, chunk_sz, total_sz = struct.unpack_from("<HHII", data, pos)
    name = names.get(ctype, f"0x{ctype:04X}")
    counts[name] = counts.get(name, 0) + 1
    extra = ""
    if name == "FILL":
        extra = f" fill=0x{struct.unpack_from('<I', data, pos + chunk_hdr_sz)[0]:08X}"
    print(f"chunk {i} @{pos} {name} blocks {blocks}..{blocks + chunk_sz - 1} "
          f"chunk_sz {chunk_sz} total_sz {total_sz}{extra}")
    blocks += chunk_sz
    pos += total_sz
for n, c in counts.items():
    print(f"count_{n} {c}")
print(f"sum_chunk_sz {blocks}")
print(f"end_of_chunks {pos} file_size {len(data)}")
PY
done

# MANIFEST.tsv: name, size, sha256, and virtmgr's partition verdict computed from the header
# bytes with the seed's rules (AVF virtmgr/src/composite.rs detect_image_type/get_partition_size).
python3 - "$STORE" > "$REC/MANIFEST.tsv" <<'PY'
import hashlib, os, struct, sys
store = sys.argv[1]
print("name\tsize\tsha256\tvirtmgr_type\tvirtmgr_verdict\tpartition_size_or_error")
for name in sorted(os.listdir(store)):
    path = os.path.join(store, name)
    data = open(path, "rb").read()
    size = os.stat(path).st_size
    digest = hashlib.sha256(data).hexdigest()
    if len(data) < 4:
        kind = "Raw"
    elif data[:4] == struct.pack(">I", 0x514649FB):
        kind = "Qcow2"
    elif data[:4] == struct.pack("<I", 0xED26FF3A):
        kind = "AndroidSparse"
    elif len(data) < 15:
        kind = "Raw"
    elif data[:15] == b"composite_disk\x1d":
        kind = "CompositeDisk"
    else:
        kind = "Raw"
    if kind == "Raw":
        verdict, detail = "accepted", str(size)
    elif kind == "AndroidSparse":
        if len(data) < 28:
            verdict, detail = "rejected", "failed to read android sparse header"
        else:
            blk_sz, total_blks = struct.unpack_from("<II", data, 12)
            verdict, detail = "accepted", str(total_blks * blk_sz)
    else:
        verdict, detail = "rejected", f"unsupported partition image type: {kind}"
    print(f"{name}\t{size}\t{digest}\t{kind}\t{verdict}\t{detail}")
PY

chmod 0644 "$REC"/*
echo "wrote $(ls "$STORE" | wc -l) images to $PWD/$STORE and $(ls "$REC" | wc -l) files to $PWD/$REC"
