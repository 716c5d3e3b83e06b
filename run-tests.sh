#!/usr/bin/env bash
# Every test: unit tests, component tests on a real KRaft broker, the scheduler's page in headless Chromium,
# the scheduler killed and restarted, the end-to-end pipeline test, and the docker-compose.yml check.
# Needs JDK 17 and Maven; installs docker-compose, chromium and chromium-driver with apt-get if they are missing.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh
ensure_docker_compose
ensure_chromium
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec mvn -B verify "$@"
