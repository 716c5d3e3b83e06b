# Sourced by run-local.sh and run-tests.sh: installs what the commands need, where it can.

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

# Installs Debian packages "$@" with apt-get; fails (returning 1) where there is no apt-get or no root.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  echo "Installing $* with apt-get ..." >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Makes sure the Fashion-MNIST files are in directory $1 (Debian's dataset-fashion-mnist package by default).
ensure_fashion_mnist() {
  local dir=$1
  [ -f "$dir/train-images-idx3-ubyte.gz" ] && return 0
  if [ "$dir" = /usr/share/datasets/fashion-mnist ] && apt_install dataset-fashion-mnist && [ -f "$dir/train-images-idx3-ubyte.gz" ]; then
    return 0
  fi
  cat >&2 <<MSG
Fashion-MNIST is not in $dir.
  On Debian or Ubuntu:  sudo apt-get install dataset-fashion-mnist   (installs to /usr/share/datasets/fashion-mnist)
  Elsewhere: download the four *-ubyte.gz files of the official Fashion-MNIST release into one directory
  and run again with --data-dir DIR (or DATA_DIR=DIR).
MSG
  return 1
}

# Makes sure docker-compose (or the docker compose plugin) can validate the compose file.
ensure_docker_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  docker compose version >/dev/null 2>&1 && return 0
  apt_install docker-compose && return 0
  echo "docker-compose is needed to validate docker-compose.yml: install it (Debian: apt-get install docker-compose)." >&2
  return 1
}

# Makes sure headless Chromium and its WebDriver are there for the scheduler's page test.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && return 0
  apt_install chromium chromium-driver && return 0
  echo "the scheduler's page test needs Chromium and ChromeDriver at /usr/bin (Debian: apt-get install chromium chromium-driver)." >&2
  return 1
}

# Installs TensorBoard, pinned as compose's image has it (tensorboard/requirements.txt), into a virtual environment
# under ~/.cache, and exports TENSORBOARD=its executable, for the end-to-end test's check with a real TensorBoard.
# Without PyPI (or python3 -m venv) it says why and returns 0: that check is then skipped, the rest still runs.
ensure_tensorboard() {
  local requirements=tensorboard/requirements.txt
  local venv=${XDG_CACHE_HOME:-$HOME/.cache}/lr-pipeline/tensorboard-$(sha256sum "$requirements" | cut -c1-12)
  if [ ! -x "$venv/bin/tensorboard" ]; then
    python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv || true
    rm -rf "$venv" && mkdir -p "$(dirname "$venv")"
    echo "Installing TensorBoard ($requirements) into $venv ..." >&2
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check --retries 1 --timeout 20 \
        --no-deps -r "$requirements" && "$venv/bin/pip" check; } >"$venv.log" 2>&1; then
      echo "TensorBoard could not be installed from PyPI (see $venv.log): the end-to-end test's real-TensorBoard check is skipped." >&2
      rm -rf "$venv"
      return 0
    fi
  fi
  export TENSORBOARD=$venv/bin/tensorboard
}
