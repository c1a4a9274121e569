#!/usr/bin/env bash
# Installs everything sijeong needs on a fresh Debian machine, idempotently.
#   scripts/setup.sh          the application (Python venv with the pinned dependencies)
#   scripts/setup.sh --test   plus the test tools: pytest & co, Debian's Chromium for the
#                             browser tests, Korean fonts, poppler-utils (PDF → PNG)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
stamp=.venv/.sijeong-installed
extras=""
[ $want_test = 1 ] && extras="[test]"
want="$(sha256sum pyproject.toml | cut -c1-16)$extras"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== installing Python dependencies (pyproject.toml$extras)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$want" > "$stamp"
fi

if [ $want_test = 1 ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || need+=(fonts-noto-cjk)  # no -q: under pipefail an early exit of grep fails fc-list (SIGPIPE)
  if [ ${#need[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${need[*]}"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    # another apt (an unattended upgrade, a second checkout's set-up) may hold dpkg's lock: wait for it
    lock=(-o DPkg::Lock::Timeout=600)
    $SUDO apt-get "${lock[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${lock[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
