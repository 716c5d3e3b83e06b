#!/usr/bin/env bash
# Every test: unit tests, component tests on a real KRaft broker, the scheduler's page in headless Chromium,
# the scheduler killed and restarted, the end-to-end pipeline test, and the docker-compose.yml check.
# Needs JDK 17 and Maven; installs docker-compose, chromium and chromium-driver with apt-get if they are missing, and
# TensorBoard from PyPI into a virtual environment under ~/.cache (without PyPI, the real-TensorBoard check is skipped).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh
ensure_docker_compose
ensure_chromium
ensure_tensorboard
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec mvn -B verify "$@"
