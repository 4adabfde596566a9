#!/usr/bin/env bash
# buildchain manifest versus sha384sum, in the same run on the same (page-cached) files:
#  (a) one 1 GiB file, (b) a tree of 20 000 small files (1-16 KiB).
# Each timing is the best of 3 runs after a warm-up. Targets: (a) >= 0.95x, (b) >= 1.8x sha384sum.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${BENCH_DIR:-$PWD/target/bench-hash}"
big_mib="${BIG_MIB:-1024}"
small_files="${SMALL_FILES:-20000}"
./mvnw -q -B -DskipTests package

mkdir -p "$work/big" "$work/tree"
if [ ! -f "$work/big/big.bin" ] || [ "$(stat -c %s "$work/big/big.bin")" -ne $((big_mib * 1048576)) ]; then
  head -c $((big_mib * 1048576)) /dev/urandom > "$work/big/big.bin"
fi
if [ "$(find "$work/tree" -type f | wc -l)" -ne "$small_files" ]; then
  rm -rf "$work/tree" && mkdir -p "$work/tree"
  python3 - "$work/tree" "$small_files" <<'PY'
import os, random, sys
root, count = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
for i in range(count):
    d = os.path.join(root, "d%03d" % (i % 200))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(rnd.randint(1024, 16384)))
PY
fi

best_of_3() {  # prints the best wall time in seconds of 3 runs of "$@" (after one warm-up run)
  "$@" >/dev/null
  local best=""
  for _ in 1 2 3; do
    local s e t
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    t=$(( (e - s) / 1000000 ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  awk -v ms="$best" 'BEGIN { printf "%.3f", ms / 1000 }'
}
sha_tree() { find "$1" -type f -print0 | xargs -0 sha384sum; }
# How far this machine's cores scale on SHA work at all: two sha384sum runs at once on the two halves
# of the tree, against the same two one after the other.
sha_half() { find "$1" -type f -path "$2" -print0 | xargs -0 sha384sum; }
two_halves_in_turn() { sha_half "$work/tree" "*/d0*"; sha_half "$work/tree" "*/d1*"; }
two_halves_at_once() { sha_half "$work/tree" "*/d0*" >/dev/null & sha_half "$work/tree" "*/d1*"; wait; }

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(sha384sum --version | head -1)"
bc_big=$(best_of_3 bin/buildchain manifest --time 0 "$work/big")
ref_big=$(best_of_3 sha384sum "$work/big/big.bin")
bc_tree=$(best_of_3 bin/buildchain manifest --time 0 "$work/tree")
ref_tree=$(best_of_3 sha_tree "$work/tree")
in_turn=$(best_of_3 two_halves_in_turn)
at_once=$(best_of_3 two_halves_at_once)
warm_ms=$(java -jar buildchain-bench/target/benchmarks.jar TreeHashBenchmark -p dir="$work/tree" -f 1 -wi 3 -i 5 \
  2>/dev/null | awk '/^TreeHashBenchmark.manifest/ { print $(NF-3) }')
tree_mib=$(du -sm --apparent-size "$work/tree" | cut -f1)
awk -v a="$bc_big" -v b="$ref_big" -v c="$bc_tree" -v d="$ref_tree" -v n="$small_files" -v m="$big_mib" \
    -v t="$tree_mib" -v s="$in_turn" -v p="$at_once" -v w="$warm_ms" 'BEGIN {
  printf "(a) one %d MiB file:      buildchain manifest %6.3f s   sha384sum %6.3f s   speed ratio %.2fx (target >= 0.95x)\n", m, a, b, b / a
  printf "(b) %d files, %d MiB: buildchain manifest %6.3f s   sha384sum %6.3f s   speed ratio %.2fx (target >= 1.8x)\n", n, t, c, d, d / c
  printf "    same tree in a warm JVM (JMH, as on a Jenkins agent): %6.3f s   speed ratio %.2fx\n", w / 1000, d / (w / 1000)
  printf "    this machine'"'"'s own 2-core scaling: two sha384sum halves at once %.3f s vs in turn %.3f s = %.2fx\n", p, s, s / p
}'
