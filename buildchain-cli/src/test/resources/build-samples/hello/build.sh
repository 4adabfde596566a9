#!/bin/sh
# A reproducible build: its outputs depend on the sources only.
set -e
mkdir -p out
cat src/greeting.txt src/name.txt > out/hello.txt
sha256sum src/greeting.txt src/name.txt > out/sums.txt
