#!/usr/bin/env bash
# Cold start of the command line: bin/buildchain --version, --help and a manifest of an empty directory
# (refused after start-up, so it times everything but the hashing) against a bare `java -version`.
# Runs alternate; figures are medians of RUNS runs. The first bin/buildchain run makes the CDS archive.
# Goal (issue 16): --version <= 0.12 s where java -version takes 0.03 s.
#
#   RUNS=11 bench/startup.sh        BASELINE_JAR=old/buildchain.jar bench/startup.sh   (adds a column)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-11}"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -DskipTests package -pl buildchain-cli -am
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT

seconds() {
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
  awk -v ns=$((e - s)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
classes() {  # classes loaded by one run of "$@" (args to bin/buildchain), with JAR and CDS as given
  BUILDCHAIN_JAVA_OPTS="-Xlog:class+load=info:file=$empty/classes.log" "$@" >/dev/null 2>&1 || true
  wc -l < "$empty/classes.log"
}

bin/buildchain --version >/dev/null  # makes the CDS archive if there is none
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("${JAVA:-java}" -version 2>&1 | head -1)"
echo "median of $runs alternating runs, seconds (classes loaded by one run):"
declare -A label=([version]="--version" [help]="--help" [empty]="manifest of an empty dir")
java_t=""
declare -A now before
for _ in $(seq "$runs"); do
  java_t="$java_t $(seconds "${JAVA:-java}" -version)"
  now[version]="${now[version]:-} $(seconds bin/buildchain --version)"
  now[help]="${now[help]:-} $(seconds bin/buildchain --help)"
  now[empty]="${now[empty]:-} $(seconds bin/buildchain manifest --time 0 "$empty")"
  if [ -n "${BASELINE_JAR:-}" ]; then
    before[version]="${before[version]:-} $(seconds env BUILDCHAIN_JAR="$BASELINE_JAR" BUILDCHAIN_CDS=off bin/buildchain --version)"
    before[help]="${before[help]:-} $(seconds env BUILDCHAIN_JAR="$BASELINE_JAR" BUILDCHAIN_CDS=off bin/buildchain --help)"
    before[empty]="${before[empty]:-} $(seconds env BUILDCHAIN_JAR="$BASELINE_JAR" BUILDCHAIN_CDS=off bin/buildchain manifest --time 0 "$empty")"
  fi
done
java_m=$(echo "$java_t" | median)
printf "  %-26s %6.3f\n" "java -version" "$java_m"
for what in version help empty; do
  case $what in version) args="--version" ;; help) args="--help" ;; empty) args="manifest --time 0 $empty" ;; esac
  # shellcheck disable=SC2086
  m=$(echo "${now[$what]}" | median) c=$(classes bin/buildchain $args)
  line=$(printf "  %-26s %6.3f (%d classes)" "${label[$what]}" "$m" "$c")
  if [ -n "${BASELINE_JAR:-}" ]; then
    # shellcheck disable=SC2086
    b=$(echo "${before[$what]}" | median) bc=$(classes env BUILDCHAIN_JAR="$BASELINE_JAR" BUILDCHAIN_CDS=off bin/buildchain $args)
    line="$line$(awk -v b="$b" -v m="$m" -v c="$bc" 'BEGIN { printf "   baseline %6.3f (%d classes), %.2fx faster", b, c, b / m }')"
  fi
  echo "$line"
done
