#!/usr/bin/env bash
# Benchmarks (figures, no assertions): ./run-benchmark.sh latency|overhead|commands|kafka-floor|sink|security|training|data-parallel|checkpoint [options]; --help for the options.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh
ensure_fashion_mnist /usr/share/datasets/fashion-mnist
case ${1:-} in
  latency) main=io.lrpipeline.benchmarks.LatencyBenchmark ;;
  overhead) main=io.lrpipeline.benchmarks.OverheadBenchmark ;;
  commands) main=io.lrpipeline.benchmarks.CommandBenchmark ;;
  kafka-floor) main=io.lrpipeline.benchmarks.KafkaFloorBenchmark ;;
  sink) main=io.lrpipeline.benchmarks.SinkBenchmark ;;
  security) main=io.lrpipeline.benchmarks.SecurityCostBenchmark ;;
  training) main=io.lrpipeline.benchmarks.TrainingBenchmark ;;
  data-parallel) main=io.lrpipeline.benchmarks.DataParallelBenchmark ;;
  checkpoint) main=io.lrpipeline.benchmarks.CheckpointBenchmark ;;
  *) echo "usage: $0 latency|overhead|commands|kafka-floor|sink|security|training|data-parallel|checkpoint [options]" >&2; exit 2 ;;
esac
shift
mvn -B -q -DskipTests package
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" "$main" "$@"
