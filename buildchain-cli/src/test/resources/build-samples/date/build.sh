#!/bin/sh
# Sensitive to the date: it stamps the month the build ran in (the clock, not SOURCE_DATE_EPOCH). The stamp is
# written by java, a dynamically linked program, so libfaketime can move its clock.
set -e
mkdir -p out
java src/Today.java > out/today.txt
