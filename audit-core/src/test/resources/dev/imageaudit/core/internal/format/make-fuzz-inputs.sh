#!/usr/bin/env bash
# Makes the committed inputs of the fuzz targets (the *FuzzTest classes beside this folder's
# package), from the fixtures and the example VM configs. Jazzer runs each target over its inputs
# in every build, and starts fuzzing from them. It leaves other files alone: inputs a fuzzing run
# found (crashes it wrote there, once fixed) stay as regression inputs.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../../../../../fixtures
configs=../../../../../../../../../examples/vm-configs

# Any bytes as an image: every fixture of 8 KiB or less whole, the first 4 KiB of the others.
bytes=ImageBytesFuzzTestInputs/anyBytesAreJudgedWithinTheCaps
mkdir -p "$bytes"
find "$fixtures" -type f ! -name '*.json' ! -name '*.txt' ! -name '*.sh' ! -name '*.err' ! -name '*-size' | sort |
  while read -r image; do
    name=$(echo "${image#"$fixtures"/}" | tr / -)
    if [[ $image == *.gz ]]; then
      # head stops reading early: gunzip's broken pipe is expected.
      (gunzip -c "$image" || true) | head -c 4096 > "$bytes/${name%.gz}"
    elif [ "$(stat -c %s "$image")" -le 8192 ]; then
      cp "$image" "$bytes/$name"
    else
      head -c 4096 "$image" > "$bytes/$name" || true
    fi
  done

# Fixtures patched and changing: a recipe's first byte picks FormatSeeds' seed (25 of them); these
# take each unchanged, each cut before its second read, and each with four 63-byte patches (at 8, in
# the first header; at 0x30010, a VHDX region table entry; at 0x310020, VHDX metadata; at 0x1F8, an
# MBR's last entry and boot signature), which also lets libFuzzer start with recipes that long.
recipes=FixtureMutationFuzzTestInputs/patchedAndChangingImagesAreJudgedWithinTheCaps
mkdir -p "$recipes"
for seed in $(seq 0 24); do
  printf "$(printf '\\%03o' "$seed")" > "$recipes/seed-$seed"
  # change byte 1 | 1 << 2: shrinks before read 1; new length 0x00010000 modulo the seed's.
  printf "$(printf '\\%03o\\005\\000\\001\\000\\000' "$seed")" > "$recipes/seed-$seed-shrinks"
  {
    printf "$(printf '\\%03o' "$seed")\000\000\000\000\000"
    for patch in '\000\000\000\010 377' '\000\003\000\020 000' '\000\061\000\040 177' '\000\000\001\370 125'; do
      printf "${patch% *}\077"
      head -c 63 /dev/zero | tr '\000' "\\${patch#* }"
    done
  } > "$recipes/seed-$seed-patched"
done

# VM configs: the examples.
configsIn=VmConfigFuzzTestInputs/anyBytesAreReadAsAConfigIntoFindings
mkdir -p "$configsIn"
cp "$configs"/*.json "$configsIn"/
