#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read what an attacker can write (Jazzer, in-process).
#
#   bench/fuzz.sh TARGET SECONDS      e.g. bench/fuzz.sh CodecFuzzTest#manifest 600
#   bench/fuzz.sh all SECONDS         every target in turn, SECONDS each
#   bench/fuzz.sh list                the targets
#
# A target is a @FuzzTest method. `./mvnw verify` replays each target's inputs directory
# (src/test/resources/<package>/<Class>Inputs/<method>/) as regression tests; a finding of this script
# lands there as crash-<sha1> (timeout-<sha1> for an input that ran over 10 s), so it becomes a regression input:
# fix the code, keep the file (renamed crash-<what it is>).
# The growing corpus is kept per module in .cifuzz-corpus/ (not committed) and reused by the next run.
# Prints one line per target: executions, coverage (edges and features), corpus size, findings.
set -euo pipefail
cd "$(dirname "$0")/.."

targets() {
  grep -rl --include='*FuzzTest.java' '@FuzzTest' buildchain-*/src/test/java | while read -r file; do
    class=$(basename "$file" .java)
    awk '/@FuzzTest/ {want=1; next} want && /void [a-zA-Z0-9_]+\(/ {match($0, /void [a-zA-Z0-9_]+\(/); print substr($0, RSTART+5, RLENGTH-6); want=0}' "$file" |
      while read -r method; do echo "$class#$method"; done
  done | sort
}

module_of() {  # the Maven module whose tests hold the class
  grep -rl --include="$1.java" '@FuzzTest' buildchain-*/src/test/java | head -n 1 | cut -d/ -f1
}

findings() {  # inputs Jazzer wrote as findings: crash- (an exception or assertion), timeout- (over -timeout), oom-
  find "$1" \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l
}

fuzz_one() {
  local target="$1" seconds="$2" class="${1%%#*}" method="${1##*#}" module log inputs before after
  module=$(module_of "$class")
  [ -n "$module" ] || { echo "bench/fuzz.sh: no fuzz test class $class (see: bench/fuzz.sh list)" >&2; return 2; }
  inputs=$(find "$module/src/test/resources" -type d -path "*/${class}Inputs/$method" 2>/dev/null | head -n 1)
  before=$( [ -n "$inputs" ] && findings "$inputs" || echo 0)
  log="$module/target/fuzz-$class-$method.log"
  mkdir -p "$module/target"
  # -Xmx bounds memory per run, so an input that allocates without bound shows as an OutOfMemoryError finding;
  # -timeout makes an input that runs longer than 10 s a finding.
  JAZZER_FUZZ=1 ./mvnw -o -B -q -pl "$module" -am test -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine="-Xmx768m -XX:-OmitStackTraceInFastThrow" \
    -Djazzer.instrumentation_includes='io.buildchain.**:com.fasterxml.jackson.core.**:org.apache.commons.compress.**' \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="-max_total_time=$seconds" -Djazzer.internal.arg.2=-max_len=65536 -Djazzer.internal.arg.3=-timeout=10 \
    >"$log" 2>&1 && status=ok || status=FAILED
  inputs=$(find "$module/src/test/resources" -type d -path "*/${class}Inputs/$method" 2>/dev/null | head -n 1)
  after=$( [ -n "$inputs" ] && findings "$inputs" || echo 0)
  local done_line runs cov ft corp
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  [ -n "$done_line" ] || done_line=$(grep -E '^#[0-9]+[[:space:]]+(pulse|NEW|REDUCE)' "$log" | tail -n 1 || true)
  runs=$(grep -oE '^Done [0-9]+ runs' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  [ -n "$runs" ] || runs=$(echo "$done_line" | grep -oE '^#[0-9]+' | tr -d '#')
  cov=$(echo "$done_line" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || true)
  ft=$(echo "$done_line" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || true)
  corp=$(echo "$done_line" | grep -oE 'corp: [0-9]+' | grep -oE '[0-9]+' || true)
  printf '%-40s %10s executions  cov %6s  ft %6s  corpus %5s  new findings %s  (%s; log %s)\n' \
    "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$((after - before))" "$status" "$log"
}

case "${1:-}" in
  list) targets ;;
  all)
    seconds="${2:?usage: bench/fuzz.sh all SECONDS}"
    for target in $(targets); do fuzz_one "$target" "$seconds"; done ;;
  *#*)
    seconds="${2:?usage: bench/fuzz.sh TARGET SECONDS}"
    fuzz_one "$1" "$seconds" ;;
  *) echo "usage: bench/fuzz.sh TARGET SECONDS | all SECONDS | list   (TARGET is Class#method)" >&2; exit 2 ;;
esac
