#!/bin/sh
# Sensitive to the umask (and to the user, whose id the tar records): the staged files get the umask's modes.
set -e
mkdir -p stage out
cat src/greeting.txt > stage/greeting.txt
cat src/name.txt > stage/name.txt
touch -d "@$SOURCE_DATE_EPOCH" stage/greeting.txt stage/name.txt stage
tar --numeric-owner -cf out/hello.tar stage/greeting.txt stage/name.txt
