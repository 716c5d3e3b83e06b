#!/usr/bin/env bash
# lrctl, the operators' command line: ./lrctl.sh --help. Builds it first if needed (quietly).
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
jar=$root/lrctl/target/lrctl.jar
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package -pl lrctl -am) >&2
fi
exec java -cp "$jar:$root/lrctl/target/lib/*" io.lrpipeline.lrctl.LrCtl "$@"
