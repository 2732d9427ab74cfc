#!/bin/sh
# The system packages the tests need, in one place: `make test` and `.ci/run` both run this.
#
#   sh tools/system-packages.sh [browser] [nginx] [postgresql]     (no argument: all three)
#
#   browser     Debian's Chromium with emoji and CJK fonts (browser tests, chart images) and npm (axe-core)
#   nginx       nginx-light: the replicas test and `make serve-replicas`
#   postgresql  PostgreSQL: the editor's desk on the shared database (TDA_DATABASE_URL) and its tests
#
# Run as root where apt-get exists (CI, these machines), it installs whatever is missing. Elsewhere it
# prints exactly what to install and exits 1. Nothing to do: silent, exit 0. `make run` needs none of this.
set -eu

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
missing=""

need() { missing="$missing $1"; }
have_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_command() { command -v "$1" >/dev/null 2>&1; }
have_postgresql() { have_command pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; }

for group in ${*:-browser nginx postgresql}; do
  case $group in
    browser)
      [ -x "$CHROMIUM" ] || need chromium
      if have_command dpkg-query; then
        have_package fonts-noto-color-emoji || need fonts-noto-color-emoji
        have_package fonts-noto-cjk || need fonts-noto-cjk
      fi
      have_command npm || need npm
      ;;
    nginx) have_command nginx || [ -x /usr/sbin/nginx ] || need nginx-light ;;
    postgresql) have_postgresql || need postgresql ;;
    *) echo "$0: unknown group '$group' (use browser, nginx or postgresql)" >&2; exit 2 ;;
  esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && have_command apt-get; then
  echo "Installing the system packages the tests need:$missing"
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing
  exit 0
fi

{
  echo "The tests need these system packages, which are missing:$missing"
  echo "Install them with:"
  echo "  sudo apt-get update && sudo apt-get install -y$missing"
  echo "(Debian and Ubuntu names; elsewhere install the same software: Chromium at $CHROMIUM, the Noto Color Emoji"
  echo "and Noto CJK fonts, npm, nginx, PostgreSQL.) Without Chromium: make test BROWSER_TESTS=0"
} >&2
exit 1
