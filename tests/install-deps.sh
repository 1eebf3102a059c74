#!/bin/sh
# Installs what ramsec needs on Debian 12 (apt-get, as root):
#   install-deps.sh build   to build and install (sudo make install)
#   install-deps.sh test    to build and run every test (make check)
#   install-deps.sh check   installs nothing: says which command installs
#                           the build packages when some are missing
#                           (a plain make runs it once)
# Nothing is installed when everything is already there.
set -eu
mode=${1:-test}
PKGS="build-essential pkg-config libpam0g-dev libssl-dev libconfig-dev liboath-dev
libsqlite3-dev libcrypt-dev libqrencode-dev libpng-dev libjansson-dev libpq-dev openssh-client"
if [ "$mode" = test ]; then
	PKGS="$PKGS libcmocka-dev faketime libfaketime oathtool whois clang libclang-rt-14-dev procps passwd
python3 util-linux zbar-tools openssh-server iproute2 man-db
debhelper dpkg-dev lintian fakeroot postgresql-15"

fi
# check: what the compiler needs, not the tools ramsec runs
[ "$mode" = check ] && PKGS=$(printf '%s\n' $PKGS | grep -E '^build-essential$|^pkg-config$|-dev$')
command -v dpkg-query >/dev/null || { [ "$mode" = check ] && exit 0; echo "install-deps: not Debian (no dpkg-query): install the packages of $0 by hand" >&2; exit 1; }
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$mode" = check ]; then
	echo "ramsec: the build packages are missing:$missing" >&2
	echo "ramsec: install them with:  sudo make deps-build" >&2
	echo "ramsec:               (or:  sudo apt-get install$missing)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run 'sudo make check' once, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
