#!/usr/bin/env bash
# Makes the committed inputs of the fuzz targets (the *FuzzTest classes beside this folder's
# package), from the fixtures and the example VM configs. Jazzer runs each target over its inputs
# in every build, and starts fuzzing from them. Inputs Jazzer finds worth keeping may be added.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../../../../fixtures
configs=../../../../../../../../examples/vm-configs

# Any bytes as an image: every fixture of 8 KiB or less whole, the first 4 KiB of the others.
bytes=ImageBytesFuzzTestInputs/anyBytesAreJudgedWithinTheCaps
rm -rf "$bytes" && mkdir -p "$bytes"
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
# take each unchanged, and each cut to half its length before its second read.
recipes=FixtureMutationFuzzTestInputs/patchedAndChangingImagesAreJudgedWithinTheCaps
rm -rf "$recipes" && mkdir -p "$recipes"
for seed in $(seq 0 24); do
  printf "$(printf '\\%03o' "$seed")" > "$recipes/seed-$seed"
  # change byte 1 | 1 << 2: shrinks before read 1; new length 0x00010000 modulo the seed's.
  printf "$(printf '\\%03o\\005\\000\\001\\000\\000' "$seed")" > "$recipes/seed-$seed-shrinks"
done

# VM configs: the examples.
configsIn=VmConfigFuzzTestInputs/anyBytesAreReadAsAConfigIntoFindings
rm -rf "$configsIn" && mkdir -p "$configsIn"
cp "$configs"/*.json "$configsIn"/
