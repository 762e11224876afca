# Shared helpers for scripts/demo and scripts/test. Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# A Python 3.11+ virtualenv with the pinned requirements; reinstalls only when a requirements file changed.
ensure_venv() {
  local req="$1"
  command -v python3 >/dev/null || die "python3 is not installed (Python 3.11 or newer is required)."
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11 or newer is required; found $(python3 --version)."
  [ -x "$PY" ] || { say "Creating the virtualenv in .venv"; python3 -m venv "$VENV"; }
  local stamp="$VENV/.requirements.sha256"
  local want
  want="$(cat "$ROOT"/requirements*.txt | sha256sum | cut -d' ' -f1)-$(basename "$req")"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python packages from $(basename "$req")"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/$req"
    echo "$want" > "$stamp"
  fi
}

# The TrueType CJK font the official documents embed (reportlab cannot embed CFF/OTF fonts).
CJK_FONT_PACKAGE="fonts-wqy-microhei"
ensure_cjk_font() {
  if [ -n "${DOCUMENT_FONT_PATH:-}" ] && [ -f "$DOCUMENT_FONT_PATH" ]; then return; fi
  if [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then return; fi
  say "Installing the CJK TrueType font for documents ($CJK_FONT_PACKAGE)"
  if command -v apt-get >/dev/null; then
    as_root apt-get update -qq >/dev/null 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$CJK_FONT_PACKAGE" >/dev/null \
      || die "Could not install $CJK_FONT_PACKAGE. Install a TrueType CJK font and set DOCUMENT_FONT_PATH to it."
  else
    die "No apt-get: install a TrueType CJK font (e.g. WenQuanYi Micro Hei) and set DOCUMENT_FONT_PATH to it."
  fi
}

# Debian's Chromium for the browser tests (Playwright drives it; its own browser download is not used).
CHROMIUM_PACKAGE="chromium"
ensure_chromium() {
  local path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$path" ]; then
    say "Installing Chromium for the browser tests ($CHROMIUM_PACKAGE)"
    command -v apt-get >/dev/null || die "No apt-get: install Chromium and set CHROMIUM_PATH to its executable."
    as_root apt-get update -qq >/dev/null 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$CHROMIUM_PACKAGE" >/dev/null \
      || die "Could not install $CHROMIUM_PACKAGE. Install Chromium and set CHROMIUM_PATH to its executable."
    [ -x "$path" ] || die "$CHROMIUM_PACKAGE is installed but $path is missing: set CHROMIUM_PATH to Chromium's executable."
  fi
  # Pages are in Chinese: without a CJK font the browser draws boxes.
  if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
    say "Installing a CJK font for the browser ($CJK_FONT_PACKAGE)"
    command -v apt-get >/dev/null || die "No apt-get: install a CJK font (e.g. WenQuanYi Micro Hei) for the browser tests."
    as_root apt-get update -qq >/dev/null 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$CJK_FONT_PACKAGE" >/dev/null \
      || die "Could not install $CJK_FONT_PACKAGE for the browser tests."
  fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {
  local host="$1" port="$2" i
  for i in $(seq 1 30); do port_open "$host" "$port" && return 0; sleep 1; done
  return 1
}

# PostgreSQL on 127.0.0.1:5432: start the installed cluster when it is stopped.
ensure_postgres() {
  port_open 127.0.0.1 5432 && return
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "Starting PostgreSQL"
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n1)"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_port 127.0.0.1 5432 && return
    die "PostgreSQL is installed but did not start on 127.0.0.1:5432 (see /var/log/postgresql)."
  fi
  die "PostgreSQL is not installed or not reachable on 127.0.0.1:5432. Install it (apt-get install postgresql) or set TEST_DATABASE_URL."
}

# Redis on 127.0.0.1:6379: start it when installed and stopped.
ensure_redis() {
  port_open 127.0.0.1 6379 && return
  if command -v redis-server >/dev/null; then
    say "Starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null || true
    wait_port 127.0.0.1 6379 && return
    die "Redis is installed but did not start on 127.0.0.1:6379 (see /var/log/redis/ci.log)."
  fi
  die "Redis is not installed or not reachable on 127.0.0.1:6379. Install it (apt-get install redis-server) or set TEST_REDIS_URL."
}
