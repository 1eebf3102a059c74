#!/bin/sh
# Installs what ramsec needs on Debian 12 (apt-get, as root):
#   install-deps.sh build   to build and install (sudo make install)
#   install-deps.sh test    to build and run every test (make check)
# Nothing is installed when everything is already there.
set -eu
PKGS="build-essential pkg-config libpam0g-dev libssl-dev libconfig-dev liboath-dev
libsqlite3-dev libcrypt-dev libqrencode-dev libpng-dev openssh-client"
if [ "${1:-test}" = test ]; then
	PKGS="$PKGS libcmocka-dev faketime libfaketime oathtool whois clang procps passwd
python3 util-linux zbar-tools openssh-server iproute2 man-db
debhelper dpkg-dev lintian fakeroot"

fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run 'sudo make check' once, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
