#!/usr/bin/env bash
# The whole pipeline on this machine, no Docker: a KRaft Kafka broker, the scheduler, the log-sink and two
# trainers on Fashion-MNIST. Options: ./run-local.sh --help (each also has an environment variable).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh

data_dir=${DATA_DIR:-/usr/share/datasets/fashion-mnist}
data_format=${DATA_FORMAT:-idx}
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --data-dir) data_dir=${args[i + 1]:-} ;;
    --data-dir=*) data_dir=${args[i]#--data-dir=} ;;
    --data-format) data_format=${args[i + 1]:-} ;;
    --data-format=*) data_format=${args[i]#--data-format=} ;;
    -h|--help|-V|--version) data_dir= ;;
  esac
done
# Fashion-MNIST is the default data set; an image tree of your own (--data-format folders) is checked by the trainers.
[ -z "$data_dir" ] || [ "$data_format" != idx ] || ensure_fashion_mnist "$data_dir"

echo "Building (mvn -DskipTests package) ..."
mvn -B -q -DskipTests package
exec java -cp "local-run/target/local-run.jar:local-run/target/lib/*" io.lrpipeline.localrun.LocalPipeline "$@"
