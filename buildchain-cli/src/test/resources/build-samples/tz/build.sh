#!/bin/sh
# Sensitive to the time zone: it writes the commit time in local time.
set -e
mkdir -p out
date -d "@$SOURCE_DATE_EPOCH" '+built from the commit of %Y-%m-%d %H:%M' > out/stamp.txt
