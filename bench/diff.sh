#!/usr/bin/env bash
# The diff benchmark: generates two synthetic report.jsonl files of N entries each (an old and a new run of
# the same store, about 1% of paths added, removed or changed) and times `image-audit diff OLD NEW` on them
# under a small heap, to show that the merge's memory does not grow with the reports. Run with --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: bench/diff.sh [--work DIR] [--sizes LIST] [--heap SIZE]

For each size (entries per report; k and m suffixes; default 100k,1m), generates WORK/diff-SIZE/old.jsonl
and new.jsonl (reused when present), then runs once, as a whole process (JVM start included):

  JAVA_OPTS="-XmxHEAP -Xlog:gc..." ./image-audit diff --json WORK/diff-SIZE/changes.json -q OLD NEW

and prints wall time, CPU time, entries per second (both reports' entries over wall time), peak RSS, the peak
Java heap after a collection (from the GC log) and the exit code, as a Markdown table. --heap defaults to 64m.
Needs python3 and GNU time (/usr/bin/time).
USAGE
}

bench_dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$bench_dir")"
export LC_ALL=C.UTF-8
work=/tmp/image-audit-bench
sizes=100k,1m
heap=64m
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/diff.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

count() {
  local s="$1"
  case "$s" in
    *k) echo $(( ${s%k} * 1000 )) ;;
    *m) echo $(( ${s%m} * 1000000 )) ;;
    *) echo "$s" ;;
  esac
}

# Writes old.jsonl and new.jsonl of N entries each, in walk order (folders d000..., files f000000.img...).
generate() {
  local dir="$1" n="$2"
  python3 - "$dir" "$n" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
per = 1000
def entry(path, fmt="raw", size=1048576, flags=(), partition="accepted"):
    reason = "null" if partition == "accepted" else '"unsupported partition image type: Qcow2"'
    fl = ",".join('"%s"' % f for f in flags)
    return ('{"path":"%s","pathBytes":null,"target":null,"format":"%s","fileSize":%d,"virtualSize":%d,'
            '"partitionSize":%d,"avf":{"partition":"%s","reason":%s,"disk":"accepted","diskReason":null},'
            '"flags":[%s],"details":{},"bytesRead":4096,"skip":null,"error":null}\n'
            % (path, fmt, size, size, size, partition, reason, fl))
def summary(files):
    return ('{"record":"summary","schemaVersion":1,"tool":{"name":"image-audit","version":"bench"},'
            '"startedAt":"2026-01-01T02:00:00Z","finishedAt":"2026-01-01T02:10:00Z","complete":true,'
            '"interrupted":null,"inputs":["store"],"summary":{"files":%d,"byFormat":{},'
            '"partition":{"accepted":0,"rejected":0,"error":0},"disk":{"accepted":0,"rejected":0,"error":0},'
            '"flagged":0,"errors":0,"errorsByKind":{},"skipped":0,"skippedByReason":{}},"configs":[]}\n' % files)
with open(out + "/old.jsonl", "w") as old, open(out + "/new.jsonl", "w") as new:
    o = w = 0
    for i in range(n):
        path = "store/d%04d/f%07d.img" % (i // per, i)
        if i % 97 == 13:            # added in the new run (sorts before f....img: '-' < '.')
            new.write(entry("store/d%04d/f%07d-new.img" % (i // per, i), flags=("dirty",))); w += 1
        if i % 89 == 7:             # removed since the old run
            old.write(entry(path)); o += 1
            continue
        old.write(entry(path, "qcow2" if i % 10 == 0 else "raw",
                        partition="rejected" if i % 10 == 0 else "accepted",
                        flags=("unsupported-partition-image",) if i % 10 == 0 else ())); o += 1
        if i % 53 == 5:             # changed: grew and gained a flag
            new.write(entry(path, size=2097152, flags=("changed-during-audit",)))
        else:
            new.write(entry(path, "qcow2" if i % 10 == 0 else "raw",
                            partition="rejected" if i % 10 == 0 else "accepted",
                            flags=("unsupported-partition-image",) if i % 10 == 0 else ()))
        w += 1
    old.write(summary(o)); new.write(summary(w))
PY
}

image_audit="${IMAGE_AUDIT:-$repo_dir/image-audit}"
mkdir -p "$work"
echo "| entries per report | old / new lines | wall (s) | CPU (s) | entries/s | peak RSS (MiB) | peak heap after GC (MiB) | GCs | exit |"
echo "|---|---|---|---|---|---|---|---|---|"
IFS=, read -ra list <<<"$sizes"
for size in "${list[@]}"; do
  n="$(count "$size")"
  dir="$work/diff-$size"
  mkdir -p "$dir"
  if [[ ! -s "$dir/new.jsonl" ]]; then
    generate "$dir" "$n"
  fi
  old_lines=$(wc -l <"$dir/old.jsonl"); new_lines=$(wc -l <"$dir/new.jsonl")
  rm -f "$dir/gc.log" "$dir/changes.json"
  set +e
  JAVA_OPTS="-Xmx$heap -Xlog:gc:file=$dir/gc.log" /usr/bin/time -f '%e %U %S %M' -o "$dir/time" \
    "$image_audit" diff -q --json "$dir/changes.json" "$dir/old.jsonl" "$dir/new.jsonl"
  code=$?
  set -e
  read -r wall user sys rss < <(tail -1 "$dir/time")
  peak=$(grep -oE '[0-9]+M->[0-9]+M' "$dir/gc.log" | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -1)
  gcs=$(grep -cE 'Pause' "$dir/gc.log" || true)
  python3 - "$size" "$old_lines" "$new_lines" "$wall" "$user" "$sys" "$rss" "${peak:-0}" "$gcs" "$code" <<'PY'
import sys
size, o, w, wall, user, sys_, rss, peak, gcs, code = sys.argv[1:]
o, w = int(o) - 1, int(w) - 1
print("| %s | %s / %s | %.2f | %.2f | %s | %d | %s | %s | %s |" % (
    size, format(o, ","), format(w, ","), float(wall), float(user) + float(sys_),
    format(int((o + w) / float(wall)), ","), int(rss) // 1024, peak, gcs, code))
PY
done
