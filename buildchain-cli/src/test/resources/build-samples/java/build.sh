#!/bin/sh
# Compiles with the javac that the image's PATH names, and packs a jar with entry times from the commit.
set -e
mkdir -p classes out
javac -d classes src/Hello.java
touch -d "@$SOURCE_DATE_EPOCH" classes/Hello.class
jar --create --file out/hello.jar --date "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)" -C classes .
java -cp out/hello.jar Hello > out/ran.txt
