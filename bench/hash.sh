#!/usr/bin/env bash
# buildchain manifest against sha384sum on three tree shapes, in the same run on the same page-cached files:
#   (a) 20 000 files of 8 KiB   (b) one 400 MiB file   (c) 1 GiB in 32 files
# Cold: a fresh process per run, as a build node runs it after every build. The references are
#   "2 cores": find | xargs -0 -P2 -n<half> sha384sum  (the work split in two, the real 2-core limit: without -n,
#              xargs starts a single sha384sum for up to thousands of names and -P2 does nothing)
#   "1 core":  find | xargs -0 sha384sum               (one sha384sum process)
# Runs alternate (buildchain, 2 cores, 1 core, [baseline jar], then again) so a neighbour's load hits all alike;
# each figure is the median of RUNS runs, and the ratios are reference time / buildchain time (>= 1: we win).
# Warm: the same trees hashed in one warm JVM (JMH), as on a long-running Jenkins agent.
# Goals (issue 16): (a) >= 1.0x of 2 cores, (b) >= 0.95x of sha384sum, (c) >= 1.0x of 2 cores.
#
#   RUNS=7 bench/hash.sh                      BASELINE_JAR=old/buildchain.jar bench/hash.sh   (adds a column)
#   SKIP_BUILD=1 SKIP_WARM=1 bench/hash.sh    SHAPES="a c" bench/hash.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work="${BENCH_DIR:-$PWD/target/bench-hash}"
runs="${RUNS:-7}"
shapes="${SHAPES:-a b c}"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -DskipTests package -pl buildchain-cli,buildchain-bench -am

make_tree() {  # make_tree DIR COUNT BYTES: COUNT random files of BYTES each, 100 to a directory
  local dir=$1 count=$2 bytes=$3
  if [ "$(find "$dir" -type f 2>/dev/null | wc -l)" -ne "$count" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    python3 - "$dir" "$count" "$bytes" <<'PY'
import os, sys
root, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(count):
    d = os.path.join(root, "d%03d" % (i // 100)) if count > 100 else root
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(size))
PY
  fi
}
declare -A tree count
tree[a]="$work/small";  count[a]=20000; make_tree "${tree[a]}" 20000 8192
tree[b]="$work/big";    count[b]=1;     make_tree "${tree[b]}" 1 $((400 << 20))
tree[c]="$work/chunks"; count[c]=32;    make_tree "${tree[c]}" 32 $((32 << 20))

seconds() {  # wall time of "$@" in seconds, output discarded
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  awk -v ns=$((e - s)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}
wall_and_cpu() {  # "wall cpu" seconds of "$@" (cpu = user + sys of the process and its children), output discarded
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
  echo "$t" | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
two_cores() { find "$1" -type f -print0 | xargs -0 -P2 -n"$(( ($2 + 1) / 2 ))" sha384sum; }
one_core() { find "$1" -type f -print0 | xargs -0 sha384sum; }
buildchain() { bin/buildchain manifest --time 0 "$1"; }
baseline() { BUILDCHAIN_JAR="$BASELINE_JAR" BUILDCHAIN_CDS=off bin/buildchain manifest --time 0 "$1"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("${JAVA:-java}" -version 2>&1 | head -1)"
echo "cold, whole process, median of $runs alternating runs (seconds; ratio = reference / buildchain):"
for shape in $shapes; do
  dir=${tree[$shape]} n=${count[$shape]}
  buildchain "$dir" >/dev/null  # page cache and the CDS archive, once
  bc="" cpu="" two="" one="" base=""
  for _ in $(seq "$runs"); do
    read -r w c < <(wall_and_cpu buildchain "$dir")
    bc="$bc $w" cpu="$cpu $c"
    two="$two $(seconds two_cores "$dir" "$n")"
    one="$one $(seconds one_core "$dir")"
    [ -z "${BASELINE_JAR:-}" ] || base="$base $(seconds baseline "$dir")"
  done
  bc=$(echo "$bc" | median) cpu=$(echo "$cpu" | median) two=$(echo "$two" | median) one=$(echo "$one" | median)
  # CPUs = CPU time / wall time of buildchain's median runs: how much of the second core the run used.
  awk -v s="$shape" -v d="$(du -sm --apparent-size "$dir" | cut -f1)" -v n="$n" -v bc="$bc" -v cpu="$cpu" -v two="$two" -v one="$one" \
    'BEGIN { printf "  (%s) %5d files, %4d MiB: buildchain %6.3f (%.2f CPUs) | 2 cores %6.3f = %.2fx | 1 core %6.3f = %.2fx\n", s, n, d, bc, cpu / bc, two, two / bc, one, one / bc }'
  if [ -n "$base" ]; then
    base=$(echo "$base" | median)
    awk -v bc="$bc" -v base="$base" -v two="$two" 'BEGIN { printf "      baseline jar %6.3f = %.2fx of 2 cores; this build is %.2fx faster\n", base, two / base, base / bc }'
  fi
done

if [ -z "${SKIP_WARM:-}" ]; then
  dirs=""
  for shape in $shapes; do dirs="${dirs:+$dirs,}${tree[$shape]}"; done
  echo "warm, in one JVM (JMH single-shot, ms per manifest):"
  java -jar buildchain-bench/target/benchmarks.jar TreeHashBenchmark -p dir="$dirs" -f 1 -wi 5 -i 7 2>/dev/null \
    | awk '/^TreeHashBenchmark.manifest/ { printf "  %s  %s ms\n", $2, $(NF-3) }'
fi
