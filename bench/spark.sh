#!/usr/bin/env bash
# The Spark benchmark: times the same warm store through `image-audit scan` and through the Spark job
# (./image-audit-spark) in local mode with 1 and 2 executor threads, then `image-audit report` on the job's
# parts; prints a Markdown table (wall, CPU, peak RSS, files/s, per-file overhead against the CLI) and the
# machine. The store is one of bench/run.sh's (generated with it when missing).
#
#   bench/spark.sh [--work DIR] [--size 100k] [--runs N] [--masters 'local[1],local[2]']
set -euo pipefail

bench_dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$bench_dir")"
export LC_ALL=C.UTF-8

work=/tmp/image-audit-bench
size=100k
runs=1
masters='local[1],local[2]'
while (($#)); do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --masters) masters="$2"; shift 2 ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "bench/spark.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

store="$work/store-$size"
if [[ ! -d "$store" ]]; then
  "$bench_dir/run.sh" --work "$work" --sizes "$size" --generate-only >&2
fi
[[ -d "$store" ]] || { echo "bench/spark.sh: no store at $store" >&2; exit 2; }
files="$(find "$store" -mindepth 1 -not -type d | wc -l)"
out="$work/spark-out"
results="$work/results"
mkdir -p "$results"

# Build both launchers' jars first, so no timed run includes a build.
"$repo_dir/image-audit" --version >/dev/null
rm -rf "$out" && mkdir -p "$out"
"$repo_dir/image-audit-spark" --output "$out/warm" "$repo_dir/examples/image-store" >/dev/null

# One untimed scan warms the page cache (what the tools read of each file, not the large images' holes).
"$repo_dir/image-audit" scan -q --fail-on none -o "$out/warm-scan" "$store" >/dev/null 2>&1 || true

measure() { # measure NAME COMMAND...: the median of $runs runs of wall seconds, CPU seconds, peak RSS MiB
  local name="$1" i
  shift
  local walls=()
  for ((i = 0; i < runs; i++)); do
    rm -rf "$out/run"
    # time's line is the last on its stderr, after the command's own.
    /usr/bin/time -f '%e %U %S %M' "$@" >/dev/null 2>"$out/err" || true
    walls+=("$(tail -1 "$out/err")")
  done
  printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" | {
    read -r wall user sys rss
    awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v f="$files" \
      'BEGIN { printf "%s %.2f %.2f %.0f %.0f\n", n, w, u + s, r / 1024, f / w }'
  }
}

rows=()
rows+=("$(measure cli "$repo_dir/image-audit" scan -q --fail-on none -o "$out/run" "$store")")
IFS=, read -r -a list <<<"$masters"
for m in "${list[@]}"; do
  rows+=("$(measure "spark $m" "$repo_dir/image-audit-spark" --master "$m" --output "$out/run" "$store")")
done
# The parts of the last job, rendered.
rm -rf "$out/parts" && "$repo_dir/image-audit-spark" --master "${list[-1]}" --output "$out/parts" "$store" >/dev/null 2>&1
rows+=("$(measure "report (parts)" "$repo_dir/image-audit" report -q --fail-on none -o "$out/run" "$out/parts")")

cli_wall="$(awk '{ print $2; exit }' <<<"${rows[0]}")"
{
  echo "Store: $store ($files paths), $runs run(s) each, median; warm page cache."
  echo
  echo "| run | wall s | CPU s | peak RSS MiB | files/s | wall - CLI wall, per file |"
  echo "|---|---:|---:|---:|---:|---:|"
  for r in "${rows[@]}"; do
    # Names hold a space ("spark local[1]"): the numbers are the last four fields.
    awk -v c="$cli_wall" -v f="$files" '{
      n = $1; for (i = 2; i <= NF - 4; i++) n = n " " $i
      w = $(NF - 3)
      printf "| %s | %s | %s | %s | %s | %s |\n", n, w, $(NF - 2), $(NF - 1), $NF, (n == "cli" ? "-" : sprintf("%+.0f µs", (w - c) / f * 1e6))
    }' <<<"$r"
  done
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, $(uname -sr), $(java -version 2>&1 | head -1)"
} | tee "$results/spark-$size.md"
