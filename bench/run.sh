#!/usr/bin/env bash
# The image-audit benchmark: generates stores of disk images, then times image-audit against a C floor,
# `file` and `qemu-img info` on the same warm store, as whole processes. Run with --help for details.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [OPTIONS]

Generates stores of small mixed disk images (raw, qcow2, Android sparse, vmdk, vhd, iso, empty and text
files in nested folders, plus a few hundred large sparse images), then times on each store, as whole
processes on the same warm page cache:

  image-audit   ./image-audit scan STORE -o OUT -q   (JVM start included; override with IMAGE_AUDIT)
  floor         bench/floor.c: walk, open, read the first and last 4 KiB, close; one thread
  file          find STORE -type f -print0 | xargs -0 -n 5000 file -b
  qemu-img      qemu-img info -U on a sample of files, one process each, extrapolated to the store

and prints, per tool, the median wall time of the timed runs (after one warm-up), files/s, the ratio of
its files/s to image-audit's, CPU time and peak RSS; then image-audit's peak Java heap under -Xmx96m at
each store size (from a GC log), and the machine. Results also go to WORK/results/.

Options:
  --work DIR          where stores, tools and results go (default /tmp/image-audit-bench)
  --sizes LIST        store sizes in files, comma-separated, k and m suffixes allowed
                      (default 100k,1m; 10k with --latency)
  --runs N            timed runs per tool after one warm-up run (none with --latency); the
                      median is reported (default 3; 1 with --latency)
  --large N           large sparse images in each store, counted in its size (default 300, at most
                      1% of the store)
  --tools LIST        any of image-audit,floor,file,qemu-img (default all four)
  --qemu-sample N     files qemu-img info runs on (default 500; 100 with --latency)
  --latency MS        latency mode: serve each store through bench/latencyfs.c, a FUSE passthrough that
                      waits MS milliseconds (decimals allowed, 0 for FUSE alone) before answering every
                      request, as a stand-in for a network mount; needs /dev/fuse and fuse3
  --timeout SECONDS   stop any one timed process after this long (default 1800); the heap run
                      is stopped after three times image-audit's median wall time plus 30 s
  --no-heap           skip the -Xmx96m peak-heap run
  --generate-only     generate the stores and stop
  --install           apt-get install the missing Debian packages first (as root)
  -h, --help          this text

Environment:
  IMAGE_AUDIT   the command that runs image-audit (default: the launcher ./image-audit of this checkout),
                e.g. IMAGE_AUDIT="java -XX:TieredStopAtLevel=1 -jar /opt/image-audit/image-audit.jar"
  JAVA_OPTS     passed on to the launcher; the heap run adds -Xmx96m and a GC log to it

Stores are generated once into WORK and reused (delete WORK/store-* to make them again). Needs a JDK and
Debian packages: gcc, qemu-utils, android-sdk-libsparse-utils, genisoimage, file, time, util-linux;
fuse3, libfuse3-dev and pkg-config for --latency. A 1m store takes about 7 GB of disk (its images are
mostly holes) and as much page cache to stay warm. See bench/README.md.
EOF
}

bench_dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$bench_dir")"

# Dots for decimals whatever the caller's locale, and UTF-8 file names for the JVM.
export LC_ALL=C.UTF-8

work=/tmp/image-audit-bench
sizes=""
runs=""
large=300
timeout=1800
tools=image-audit,floor,file,qemu-img
qemu_sample=""
latency_ms=""
heap=1
generate_only=0
install=0

die() {
  echo "bench: $*" >&2
  exit 2
}

while (($#)); do
  case "$1" in
    --work) work="${2:?--work needs a folder}"; shift 2 ;;
    --sizes) sizes="${2:?--sizes needs a list}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --large) large="${2:?--large needs a number}"; shift 2 ;;
    --tools) tools="${2:?--tools needs a list}"; shift 2 ;;
    --qemu-sample) qemu_sample="${2:?--qemu-sample needs a number}"; shift 2 ;;
    --latency) latency_ms="${2:?--latency needs milliseconds}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs seconds}"; shift 2 ;;
    --no-heap) heap=0; shift ;;
    --generate-only) generate_only=1; shift ;;
    --install) install=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

if [[ -n "$latency_ms" ]]; then
  [[ "$latency_ms" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--latency takes milliseconds, e.g. 1 or 0.5"
  latency_us="$(awk -v ms="$latency_ms" 'BEGIN { printf "%d", ms * 1000 + 0.5 }')"
fi
: "${sizes:=$([[ -n "$latency_ms" ]] && echo 10k || echo 100k,1m)}"
: "${runs:=$([[ -n "$latency_ms" ]] && echo 1 || echo 3)}"
: "${qemu_sample:=$([[ -n "$latency_ms" ]] && echo 100 || echo 500)}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive number"
[[ "$large" =~ ^[0-9]+$ ]] || die "--large takes a number"
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "--timeout takes a positive number of seconds"
[[ "$qemu_sample" =~ ^[1-9][0-9]*$ ]] || die "--qemu-sample takes a positive number"

has_tool() { [[ ",$tools," == *",$1,"* ]]; }
for t in ${tools//,/ }; do
  case "$t" in image-audit | floor | file | qemu-img) ;; *) die "unknown tool: $t" ;; esac
done

# "100k" -> 100000; "1m" -> 1000000.
parse_size() {
  local s="${1,,}"
  case "$s" in
    *k) s=$((${s%k} * 1000)) ;;
    *m) s=$((${s%m} * 1000000)) ;;
  esac
  [[ "$s" =~ ^[0-9]+$ && "$s" -ge 100 ]] || die "not a store size (at least 100 files): $1"
  echo "$s"
}

# 100000 -> "100k", as used in folder names and tables.
size_label() {
  local n="$1"
  if ((n % 1000000 == 0)); then
    echo "$((n / 1000000))m"
  elif ((n % 1000 == 0)); then
    echo "$((n / 1000))k"
  else
    echo "$n"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Prerequisites

missing_packages=()
need() { # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null 2>&1 || missing_packages+=("$2")
}
check_prerequisites() {
  missing_packages=()
  need cc gcc
  need qemu-img qemu-utils
  need img2simg android-sdk-libsparse-utils
  need genisoimage genisoimage
  need file file
  need fallocate util-linux
  need mountpoint util-linux
  [[ -x /usr/bin/time ]] || missing_packages+=(time)
  if [[ -n "$latency_ms" ]]; then
    need fusermount3 fuse3
    need pkg-config pkg-config
    if command -v pkg-config >/dev/null 2>&1 && ! pkg-config --exists fuse3; then
      missing_packages+=(libfuse3-dev)
    fi
  fi
}
check_prerequisites
if ((${#missing_packages[@]})); then
  mapfile -t missing_packages < <(printf '%s\n' "${missing_packages[@]}" | sort -u)
  if ((install)); then
    apt-get update
    apt-get install -y "${missing_packages[@]}"
    check_prerequisites
  fi
  if ((${#missing_packages[@]})); then
    die "missing Debian packages; install them with: apt-get install ${missing_packages[*]}  (or rerun with --install)"
  fi
fi
if [[ -n "$latency_ms" && ! -c /dev/fuse ]]; then
  die "--latency needs /dev/fuse (in a container: --device /dev/fuse --cap-add SYS_ADMIN)"
fi

if [[ -n "${IMAGE_AUDIT:-}" ]]; then
  read -r -a image_audit <<<"$IMAGE_AUDIT"
  image_audit_shown="$IMAGE_AUDIT"
else
  image_audit=("$repo_dir/image-audit")
  image_audit_shown="./image-audit"
fi

mkdir -p "$work"/{bin,results,templates}
work="$(cd -P "$work" && pwd)"
bin="$work/bin"
run_id="$(date +%Y%m%d-%H%M%S)"
results="$work/results/$run_id"
mkdir -p "$results"
report="$results/results.md"

# Everything the tables print also goes to the results file.
say() { printf '%s\n' "$*" | tee -a "$report"; }

# ---------------------------------------------------------------------------------------------------
# Tools built from bench/

build_c() { # build_c NAME SOURCE [EXTRA FLAGS...]
  local name="$1" src="$2"
  shift 2
  if [[ ! -x "$bin/$name" || "$src" -nt "$bin/$name" ]]; then
    cc -O2 -Wall -o "$bin/$name.tmp" "$src" "$@"
    mv "$bin/$name.tmp" "$bin/$name"
  fi
}
build_c floor "$bench_dir/floor.c"
if [[ -n "$latency_ms" ]]; then
  # shellcheck disable=SC2046 # pkg-config prints separate flags
  build_c latencyfs "$bench_dir/latencyfs.c" $(pkg-config --cflags --libs fuse3)
fi

# ---------------------------------------------------------------------------------------------------
# Templates: a few real images made once by qemu-img, img2simg and genisoimage. Zeros are punched into
# holes, so that copies take little disk while keeping the images' real lengths.

templates="$work/templates"
template_version=1 # bump when the templates change, so old caches are made again

make_templates() {
  local t
  t="$(mktemp -d "$work/templates.XXXXXX")"
  (
    cd "$t"
    mkdir small large
    # Small images (each a few KiB on disk).
    head -c 4096 /dev/zero >small/raw-zero.img
    head -c 1024 /dev/urandom >small/raw-random-1k.img
    head -c 3000 /dev/urandom >small/raw-random-odd.bin
    head -c 16384 /dev/urandom >small/raw-random-16k.img
    # A raw disk with an MBR: one Linux partition from sector 1, 127 sectors long.
    head -c 65536 /dev/zero >small/raw-mbr.img
    printf '\x00\x00\x02\x00\x83\x00\x20\x00\x01\x00\x00\x00\x7f\x00\x00\x00' |
      dd of=small/raw-mbr.img bs=1 seek=446 conv=notrunc status=none
    printf '\x55\xaa' | dd of=small/raw-mbr.img bs=1 seek=510 conv=notrunc status=none
    qemu-img create -q -f qcow2 -o cluster_size=512 small/qcow2-c512.qcow2 64M
    qemu-img create -q -f qcow2 -o cluster_size=4096 small/qcow2-c4k.qcow2 64M
    qemu-img create -q -f qcow2 small/qcow2-default.qcow2 10G
    qemu-img create -q -f qcow2 -o compat=0.10 small/qcow2-v2.qcow2 4G
    head -c 4096 /dev/zero >base.raw
    qemu-img create -q -f qcow2 -b ../base.raw -F raw small/qcow2-backing.qcow2 1G
    truncate -s 64K sparse-src-64k.raw
    head -c 3000 /dev/urandom | dd of=sparse-src-64k.raw conv=notrunc status=none
    img2simg sparse-src-64k.raw small/android-sparse-64k.simg
    truncate -s 1M sparse-src-1m.raw
    head -c 8192 /dev/urandom | dd of=sparse-src-1m.raw conv=notrunc status=none
    head -c 4096 /dev/urandom | dd of=sparse-src-1m.raw bs=4096 seek=128 conv=notrunc status=none
    img2simg sparse-src-1m.raw small/android-sparse-1m.simg
    qemu-img create -q -f vmdk small/vmdk-sparse.vmdk 1G
    qemu-img create -q -f vmdk -o subformat=streamOptimized small/vmdk-stream.vmdk 1G
    qemu-img create -q -f vpc small/vhd-dynamic.vhd 1G
    qemu-img create -q -f vpc -o subformat=fixed small/vhd-fixed.vhd 1M
    mkdir iso-root
    echo "bench" >iso-root/README.TXT
    genisoimage -quiet -V BENCH -o small/cdrom.iso iso-root
    : >small/empty
    printf 'Images for the build farm.\nqcow2 images are overlays; raw images are partitions.\n' >small/README.txt
    printf '{\n  "name": "vm",\n  "disks": [{"image": "disk.img", "writable": false}],\n  "memory_mib": 512\n}\n' \
      >small/vm-config.json
    printf '# Notes\n\n- rebuilt the system image\n- kept the old overlay until the next release\n' >small/notes.md
    for i in $(seq 1 40); do
      printf '%064x  image-%03d.img\n' "$i" "$i"
    done >small/SHA256SUMS
    # Large sparse images: big virtual sizes, little data.
    qemu-img create -q -f qcow2 large/qcow2-100g.qcow2 100G
    qemu-img create -q -f vmdk large/vmdk-100g.vmdk 100G
    qemu-img create -q -f vpc large/vhd-dynamic-100g.vhd 100G
    qemu-img create -q -f vpc -o subformat=fixed large/vhd-fixed-8g.vhd 8G
    truncate -s 1G sparse-src-1g.raw
    img2simg sparse-src-1g.raw large/android-sparse-1g.simg
    for f in small/* large/*; do
      fallocate --dig-holes "$f"
    done
    echo "$template_version" >version
  )
  rm -rf "$templates"
  mv "$t" "$templates"
}
if [[ "$(cat "$templates/version" 2>/dev/null)" != "$template_version" ]]; then
  echo "bench: making template images in $templates" >&2
  make_templates
fi

# The 100 files of one unit folder: template and how many copies. Sums to 100.
unit_mix=(
  raw-zero.img 6 raw-random-1k.img 6 raw-random-odd.bin 4 raw-random-16k.img 4 raw-mbr.img 4
  qcow2-c512.qcow2 6 qcow2-c4k.qcow2 6 qcow2-default.qcow2 4 qcow2-v2.qcow2 2 qcow2-backing.qcow2 2
  android-sparse-64k.simg 8 android-sparse-1m.simg 4
  vmdk-sparse.vmdk 4 vmdk-stream.vmdk 2
  vhd-dynamic.vhd 5 vhd-fixed.vhd 2
  cdrom.iso 2
  empty 10
  README.txt 5 vm-config.json 6 notes.md 4 SHA256SUMS 4
)
unit_files=100
store_version="$template_version.2" # templates, then layout: bump when generate_store changes

# A unit: 100 files spread over three nested folders (., images, images/old), named NNN-TEMPLATE.
# Made once beside the templates; stores copy it whole.
make_unit() {
  local dest="$1" i=0 k j name
  mkdir -p "$dest/images/old"
  local dirs=("$dest" "$dest/images" "$dest/images/old")
  for ((k = 0; k < ${#unit_mix[@]}; k += 2)); do
    name="${unit_mix[k]}"
    for ((j = 0; j < unit_mix[k + 1]; j++)); do
      cp "$templates/small/$name" "${dirs[i % 3]}/$(printf '%03d' "$i")-$name"
      i=$((i + 1))
    done
  done
}
if [[ ! -d "$templates/unit" ]]; then
  rm -rf "$templates/unit.tmp"
  make_unit "$templates/unit.tmp"
  mv "$templates/unit.tmp" "$templates/unit"
fi

# ---------------------------------------------------------------------------------------------------
# Stores: STORE/small/gNNN/bN/uN/... (10 units of 100 files a block, 10 blocks a group) and
# STORE/large/NN/... Creating files is what takes the time, so each level is copied whole, with as few
# processes as possible, and the groups one cp per core.

large_count() { # large images in a store of N files: --large, at most 1%
  local n="$1" l="$large"
  ((l > n / 100)) && l=$((n / 100))
  echo "$l"
}

# fill_group DEST UNITS BLOCK: UNITS units (at most 100) in DEST, whole blocks copied from BLOCK.
fill_group() {
  local dest="$1" units="$2" block="$3" b u
  mkdir -p "$dest"
  for ((b = 0; b < units / 10; b++)); do
    cp -r "$block" "$dest/b$b"
  done
  if ((units % 10)); then
    mkdir -p "$dest/b$b"
    for ((u = 0; u < units % 10; u++)); do
      cp -r "$templates/unit" "$dest/b$b/u$u"
    done
  fi
}

generate_store() { # generate_store FILES DEST
  local n="$1" dest="$2"
  local nl units rest groups g u tmp block
  nl="$(large_count "$n")"
  units=$(((n - nl) / unit_files))
  rest=$(((n - nl) % unit_files))
  tmp="$dest.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp/small" "$tmp/large"
  block="$tmp/block"
  mkdir -p "$block"
  for ((u = 0; u < 10; u++)); do
    cp -r "$templates/unit" "$block/u$u"
  done
  fill_group "$tmp/small/g000" $((units < 100 ? units : 100)) "$block"
  groups=$(((units + 99) / 100))
  for ((g = 1; g < groups; g++)); do
    if ((units - g * 100 >= 100)); then
      printf '%s\0' "$tmp/small/$(printf 'g%03d' "$g")"
    fi
  done | xargs -0 -r -P "$(nproc)" -I '{}' cp -r "$tmp/small/g000" '{}'
  if ((groups > 1 && units % 100 != 0)); then
    fill_group "$tmp/small/$(printf 'g%03d' $((groups - 1)))" $((units % 100)) "$block"
  fi
  rm -rf "$block"
  if ((rest > 0)); then
    mkdir -p "$tmp/small/rest"
    local -a unit_list
    mapfile -t unit_list < <(find "$templates/unit" -type f | sort)
    cp "${unit_list[@]:0:rest}" "$tmp/small/rest/"
  fi
  # Large images: per ten, four raw of 1-64 GiB (truncate) and six copied from the templates. Folder 00
  # is made file by file; the other nine copy its first NL/10 files.
  local large_pattern=(raw qcow2-100g.qcow2 raw vmdk-100g.vmdk raw vhd-dynamic-100g.vhd raw vhd-fixed-8g.vhd
    android-sparse-1g.simg qcow2-100g.qcow2)
  local per=$((nl / 10)) i t d
  local -a first=()
  mkdir -p "$tmp/large/00"
  for ((i = 0; i < per + nl % 10; i++)); do
    t="${large_pattern[i % 10]}"
    if [[ "$t" == raw ]]; then
      t="$tmp/large/00/$(printf '%03d' "$i")-raw.img"
      truncate -s "$((1 << (i % 7)))G" "$t"
    else
      cp "$templates/large/$t" "$tmp/large/00/$(printf '%03d' "$i")-$t"
      t="$tmp/large/00/$(printf '%03d' "$i")-$t"
    fi
    if ((i < per)); then
      first+=("$t")
    fi
  done
  for ((d = 1; d < 10 && per > 0; d++)); do
    mkdir -p "$tmp/large/0$d"
    cp "${first[@]}" "$tmp/large/0$d/"
  done
  mv "$tmp" "$dest"
}

# ---------------------------------------------------------------------------------------------------
# Measuring

machine() {
  local java_cmd cpu mem disk
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  mem="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  disk="$(findmnt -n -o SOURCE,FSTYPE -T "$work" 2>/dev/null | tr -s ' ' || true)"
  local dev="${disk%% *}"
  local rota model
  rota="$(lsblk -dno ROTA "$dev" 2>/dev/null | tr -d ' ' || true)"
  model="$(lsblk -dno MODEL "$dev" 2>/dev/null | sed 's/ *$//' || true)"
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java_cmd="$JAVA_HOME/bin/java"; else java_cmd=java; fi
  say "## Machine"
  say ""
  say "| | |"
  say "|---|---|"
  say "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  say "| CPU | ${cpu:-unknown}, $(nproc) cores available |"
  say "| memory | $mem |"
  say "| kernel | $(uname -srm) |"
  say "| disk | ${disk:-unknown}$([[ -n "$rota" ]] && { [[ "$rota" == 0 ]] && echo ", non-rotational" || echo ", rotational"; })${model:+, $model} |"
  say "| JDK | $("$java_cmd" -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//') |"
  say "| image-audit | \`$image_audit_shown\`$(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null | sed 's/^/ at commit /') |"
  say "| JAVA_OPTS | \`${JAVA_OPTS:-}\` |"
  say "| file | $(file --version 2>&1 | head -n 1) |"
  say "| qemu-img | $(qemu-img --version | head -n 1) |"
  say "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg) |"
  say ""
}

# time_run OUT-PREFIX LIMIT COMMAND...: runs it once, stopped after LIMIT seconds (exit 124, or 137 if
# it had to be killed); writes "wall user sys maxrss_kib exit" to OUT-PREFIX.t, its stdout and stderr
# beside it. Wall time from the shell's clock (microseconds), the rest from time(1).
time_run() {
  local out="$1" limit="$2"
  shift 2
  local t0 t1 rc
  t0="$EPOCHREALTIME"
  set +e
  /usr/bin/time -f '%U %S %M' -o "$out.rusage" timeout -k 10 "$limit" "$@" >"$out.out" 2>"$out.err"
  rc=$?
  set -e
  t1="$EPOCHREALTIME"
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -n 1 "$out.rusage") $rc" >"$out.t"
}

median() { # median NUMBERS...
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# The command line of a tool on a store.
tool_command() { # tool_command TOOL STORE OUT-DIR
  case "$1" in
    image-audit) echo "$image_audit_shown scan STORE -o OUT -q" ;;
    floor) echo "floor STORE" ;;
    file) echo "find STORE -type f -print0 | xargs -0 -n 5000 file -b >/dev/null" ;;
    qemu-img) echo "xargs -0 -n 1 qemu-img info -U <SAMPLE >/dev/null" ;;
  esac
}

run_tool() { # run_tool TOOL STORE PREFIX
  local tool="$1" store="$2" prefix="$3"
  # shellcheck disable=SC2016 # $1 in the bash -c scripts is expanded by the inner shell
  case "$tool" in
    image-audit)
      rm -rf "$work/out"
      time_run "$prefix" "$timeout" "${image_audit[@]}" scan "$store" -o "$work/out" -q
      ;;
    floor) time_run "$prefix" "$timeout" "$bin/floor" "$store" ;;
    file) time_run "$prefix" "$timeout" bash -c 'find "$1" -type f -print0 | xargs -0 -n 5000 file -b >/dev/null' _ "$store" ;;
    qemu-img) time_run "$prefix" "$timeout" bash -c 'xargs -0 -n 1 qemu-img info -U <"$1" >/dev/null 2>&1' _ "$sample" ;;
  esac
}

# Exit codes that mean the tool did its work: image-audit 0 (clean), 1 (flagged), 3 (some inputs
# unreadable); floor 0/1; xargs 123 (some file or qemu-img call failed: a text file, say).
acceptable_exit() {
  case "$1:$2" in
    image-audit:0 | image-audit:1 | image-audit:3 | floor:0 | floor:1 | file:0 | file:123 | qemu-img:0 | qemu-img:123) return 0 ;;
  esac
  return 1
}

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
thousands() { printf '%d' "$1" | sed -e :a -e 's/\B[0-9]\{3\}\>/,&/;ta'; }

# Times every tool on STORE: a warm-up, then RUNS rounds with the tools interleaved, so that load from
# elsewhere on the machine falls on all of them alike.
bench_store() { # bench_store LABEL STORE FILES
  local label="$1" store="$2" files="$3"
  local tool r prefix
  local -a selected=()
  for tool in image-audit floor file qemu-img; do
    has_tool "$tool" && selected+=("$tool")
  done
  # The qemu-img sample: every k-th file of the sorted list, so it has the store's mix.
  sample="$results/sample-$label"
  if has_tool qemu-img; then
    find "$store" -type f | sort | awk -v n="$files" -v s="$qemu_sample" \
      'BEGIN { k = n / s; if (k < 1) k = 1; next_pick = 0 } NR - 1 >= next_pick && c < s { printf "%s%c", $0, 0; c++; next_pick += k }' \
      >"$sample"
  fi
  local sample_n=0
  has_tool qemu-img && sample_n="$(tr -cd '\0' <"$sample" | wc -c)"

  # No warm-up through latencyfs: it keeps no data cache, and the store under it is already warm.
  if [[ -z "$latency_ms" ]]; then
    echo "bench: $label: warm-up" >&2
    for tool in "${selected[@]}"; do
      run_tool "$tool" "$store" "$results/$label-$tool-warmup"
    done
  fi
  for ((r = 1; r <= runs; r++)); do
    echo "bench: $label: run $r of $runs" >&2
    for tool in "${selected[@]}"; do
      run_tool "$tool" "$store" "$results/$label-$tool-$r"
    done
  done

  # The table: medians over the timed runs.
  local -A fps
  local -a walls cpus rsss exits
  local w u s m x c n rate shown_n ratio shown_wall best shown_rate failed
  say "### Store $label: $(thousands "$files") files$([[ -n "$latency_ms" ]] && echo ", ${latency_ms} ms latency on every request (latencyfs)")"
  say ""
  say "| tool | files timed | median wall (s) | best wall (s) | files/s | files/s ÷ image-audit's | CPU user+sys (s) | peak RSS (MiB) | exit |"
  say "|---|---|---|---|---|---|---|---|---|"
  for tool in "${selected[@]}"; do
    walls=() cpus=() rsss=() exits=()
    failed=0
    for ((r = 1; r <= runs; r++)); do
      read -r w u s m x <"$results/$label-$tool-$r.t"
      walls+=("$w") cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')") rsss+=("$m") exits+=("$x")
      if ! acceptable_exit "$tool" "$x"; then
        failed=1
        echo "bench: $tool exited $x on $label run $r; see $results/$label-$tool-$r.err" >&2
      fi
    done
    w="$(median "${walls[@]}")"
    best="$(printf '%s\n' "${walls[@]}" | sort -g | head -n 1)"
    [[ "$tool" == image-audit ]] && ia_median[$label]="$w"
    c="$(median "${cpus[@]}")"
    m="$(median "${rsss[@]}")"
    n="$files"
    [[ "$tool" == qemu-img ]] && n="$sample_n"
    rate="$(awk -v n="$n" -v w="$w" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')"
    # A run that failed or was stopped did not do the work: no rate for it.
    ((failed)) && rate=0
    fps[$tool]="$rate"
    shown_n="$(thousands "$n")"
    [[ "$tool" == qemu-img ]] && shown_n="$shown_n (sample)"
    ratio="-"
    if [[ -n "${fps[image-audit]:-}" && "${fps[image-audit]}" != 0 && "$rate" != 0 ]]; then
      ratio="$(awk -v a="$rate" -v b="${fps[image-audit]}" 'BEGIN { printf "%.2f", a / b }')"
    fi
    shown_wall="$w"
    if [[ "$tool" == qemu-img ]]; then
      shown_wall="$w ($(awk -v f="$files" -v r="$rate" 'BEGIN { printf "%.0f", (r > 0 ? f / r : 0) }') for the store)"
    fi
    shown_rate="$(thousands "$rate")"
    ((failed)) && shown_rate="failed (see exit)"
    say "| $tool | $shown_n | $shown_wall | $best | $shown_rate | $ratio | $c | $(mib "$m") | $(printf '%s\n' "${exits[@]}" | sort -u | paste -sd/) |"
  done
  say ""
  if [[ "${fps[image-audit]:-0}" != 0 && "${fps[floor]:-0}" != 0 ]]; then
    local share
    share="$(awk -v a="${fps[image-audit]}" -v b="${fps[floor]}" 'BEGIN { printf "%.2f", a / b }')"
    say "image-audit does **$share** of the floor's files/s on $label (issue 7 asks for at least 0.5 on warm stores, above 1 with latency)."
    echo "$label $share" >>"$results/ratios"
    say ""
  fi
  # shellcheck disable=SC2016 # the backquotes are Markdown
  say "Commands: $(for t in "${selected[@]}"; do printf '%s: `%s`; ' "$t" "$(tool_command "$t")"; done)runs: $runs$([[ -z "$latency_ms" ]] && echo " after 1 warm-up"), medians shown; raw times in results/$run_id/."
  say ""
}

# Start-up: image-audit and the floor on an empty store.
bench_startup() {
  local empty="$work/empty-store" r w walls=() fwalls=()
  mkdir -p "$empty"
  run_tool image-audit "$empty" "$results/empty-image-audit-warmup"
  for ((r = 1; r <= runs; r++)); do
    run_tool image-audit "$empty" "$results/empty-image-audit-$r"
    run_tool floor "$empty" "$results/empty-floor-$r"
    read -r w _ <"$results/empty-image-audit-$r.t"
    walls+=("$w")
    read -r w _ <"$results/empty-floor-$r.t"
    fwalls+=("$w")
  done
  say "### Start-up: an empty store"
  say ""
  say "| tool | median wall (s) | peak RSS (MiB) |"
  say "|---|---|---|"
  say "| image-audit | $(median "${walls[@]}") | $(mib "$(awk '{ print $4 }' "$results/empty-image-audit-1.t")") |"
  say "| floor | $(median "${fwalls[@]}") | $(mib "$(awk '{ print $4 }' "$results/empty-floor-1.t")") |"
  say ""
}

# Peak Java heap: one run under -Xmx96m with a GC log; "after GC" is the most the heap held once
# garbage was collected (the live set), "before GC" the most it held at all.
heap_rows=()
declare -A ia_median=()
bench_heap() { # bench_heap LABEL STORE FILES
  local label="$1" store="$2" files="$3"
  local log="$results/gc-$label.log" prefix="$results/$label-heap"
  # A run that runs out of memory may hang rather than exit: give it three times a normal run.
  local limit="$timeout"
  if [[ -n "${ia_median[$label]:-}" ]]; then
    limit="$(awk -v m="${ia_median[$label]}" -v t="$timeout" 'BEGIN { l = 3 * m + 30; printf "%d", (l < t ? l : t) }')"
  fi
  echo "bench: $label: heap run under -Xmx96m (stopped if not done in $limit s)" >&2
  rm -rf "$work/out"
  JAVA_OPTS="${JAVA_OPTS:-} -Xmx96m -Xlog:gc:file=$log" time_run "$prefix" "$limit" "${image_audit[@]}" scan "$store" -o "$work/out" -q
  local w u s m x
  read -r w u s m x <"$prefix.t"
  local peaks
  # "... Pause Young (Normal) (G1 Evacuation Pause) 23M->3M(96M) 2.1ms": before->after(committed).
  peaks="$(awk '
    function kib(v) { u = substr(v, length(v)); n = substr(v, 1, length(v) - 1) + 0
                      return u == "G" ? n * 1048576 : u == "M" ? n * 1024 : u == "K" ? n : n / 1024 }
    match($0, /[0-9]+[KMGB]->[0-9]+[KMGB]\(/) {
      split(substr($0, RSTART, RLENGTH - 1), p, "->"); gcs++
      if (kib(p[1]) > before) before = kib(p[1]); if (kib(p[2]) > after) after = kib(p[2]) }
    END { printf "%.1f %.1f %d", after / 1024, before / 1024, gcs }' "$log" 2>/dev/null || echo "? ? 0")"
  local oom=""
  grep -q OutOfMemoryError "$prefix.err" "$prefix.out" 2>/dev/null && oom=" (OutOfMemoryError)"
  local rss
  rss="$(mib "$m")"
  if [[ "$x" == 124 || "$x" == 137 ]]; then
    oom="$oom (stopped after $limit s)"
    rss="?" # time(1) saw timeout(1), not the stopped JVM
  fi
  read -r after before gcs <<<"$peaks"
  heap_rows+=("| $label | $(thousands "$files") | $x$oom | $w | $after | $before | $gcs | $rss |")
}

# ---------------------------------------------------------------------------------------------------
# Latency mode: each store is served through latencyfs.

mounted=""
latency_pid=""
unmount_latency() {
  if [[ -n "$mounted" ]]; then
    fusermount3 -u "$mounted" 2>/dev/null || { sleep 1; fusermount3 -u "$mounted" 2>/dev/null; } || true
    if [[ -n "$latency_pid" ]] && kill -0 "$latency_pid" 2>/dev/null; then
      kill "$latency_pid" 2>/dev/null || true
    fi
    wait "$latency_pid" 2>/dev/null || true
    mounted="" latency_pid=""
  fi
}
trap unmount_latency EXIT
trap 'unmount_latency; exit 130' INT
trap 'unmount_latency; exit 143' TERM

mount_latency() { # mount_latency STORE MOUNTPOINT
  local store="$1" mnt="$2" i
  mkdir -p "$mnt"
  mountpoint -q "$mnt" && fusermount3 -u "$mnt"
  "$bin/latencyfs" "$store" "$mnt" "$latency_us" 2>"$results/latencyfs.err" &
  latency_pid=$!
  mounted="$mnt"
  for ((i = 0; i < 100; i++)); do
    mountpoint -q "$mnt" && return 0
    kill -0 "$latency_pid" 2>/dev/null || break
    sleep 0.1
  done
  die "latencyfs did not mount $mnt: $(cat "$results/latencyfs.err")"
}

# ---------------------------------------------------------------------------------------------------
# Main

declare -a labels=() counts=()
for s in ${sizes//,/ }; do
  n="$(parse_size "$s")"
  labels+=("$(size_label "$n")")
  counts+=("$n")
done

for i in "${!labels[@]}"; do
  store="$work/store-${labels[i]}"
  # A store made by an older layout of this script is made again.
  if [[ -d "$store" && "$(cat "$store.version" 2>/dev/null)" != "$store_version" ]]; then
    echo "bench: $store was made by another version of this script; making it again" >&2
    rm -rf "$store"
  fi
  if [[ ! -d "$store" ]]; then
    echo "bench: generating $store (${counts[i]} files)" >&2
    t0="$EPOCHREALTIME"
    generate_store "${counts[i]}" "$store"
    echo "$store_version" >"$store.version"
    echo "bench: generated in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s" >&2
  fi
done
((generate_only)) && exit 0

if has_tool image-audit; then
  # A first call outside the timings: the launcher builds the jar here if it is missing or stale.
  mkdir -p "$work/empty-store"
  rc=0
  "${image_audit[@]}" scan "$work/empty-store" -o "$work/out" -q >/dev/null 2>"$results/prepare.err" || rc=$?
  if ! acceptable_exit image-audit "$rc"; then
    die "image-audit does not run (exit $rc): $(tail -n 5 "$results/prepare.err")"
  fi
fi

say "# image-audit benchmark $run_id"
say ""
machine
if has_tool image-audit && [[ -z "$latency_ms" ]]; then
  bench_startup
fi

for i in "${!labels[@]}"; do
  label="${labels[i]}"
  store="$work/store-$label"
  # The count every tool is held to: regular files as the floor finds them (this also warms the cache).
  floor_line="$("$bin/floor" "$store")" || true
  files="$(awk '{ print $2 }' <<<"$floor_line")"
  [[ "$files" == "${counts[i]}" ]] || echo "bench: $store holds $files files, not ${counts[i]}" >&2
  target="$store"
  if [[ -n "$latency_ms" ]]; then
    target="$work/mnt-$label"
    mount_latency "$store" "$target"
  fi
  bench_store "$label" "$target" "$files"
  if ((heap)) && has_tool image-audit && [[ -z "$latency_ms" ]]; then
    bench_heap "$label" "$store" "$files"
  fi
  unmount_latency
done

if ((${#heap_rows[@]})); then
  say "### Peak Java heap under -Xmx96m (one run per store)"
  say ""
  say "| store | files | exit | wall (s) | peak heap after GC (MiB) | peak heap before GC (MiB) | GCs | peak RSS (MiB) |"
  say "|---|---|---|---|---|---|---|---|"
  for row in "${heap_rows[@]}"; do say "$row"; done
  say ""
  say "From \`-Xlog:gc\`: after GC is the live heap at its largest, the number that must not grow with the store."
  say ""
fi
if [[ -s "$results/ratios" ]] && (($(wc -l <"$results/ratios") > 1)); then
  say "image-audit's share of the floor's files/s by store: $(awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }' "$results/ratios")."
  say ""
fi
say "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Results: $report"
