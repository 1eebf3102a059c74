#!/bin/sh
# Installs (or with --uninstall removes) ramsec.  Called by `make install`:
#   install.sh [--uninstall] DESTDIR PREFIX SYSCONFDIR LOCALSTATEDIR PAMDIR UNITDIR BUILD
# With an empty DESTDIR, as root, it also starts the daemon: through
# systemd where systemd runs, directly (ramsec-policyd --daemon) otherwise.
# It never edits /etc/pam.d: README.md shows the lines to add.
set -eu
uninstall=0
if [ "${1:-}" = "--uninstall" ]; then uninstall=1; shift; fi
DESTDIR=$1 PREFIX=$2 SYSCONFDIR=$3 LOCALSTATEDIR=$4 PAMDIR=$5 UNITDIR=$6 B=$7
SBIN=$PREFIX/sbin
BIN=$PREFIX/bin
CONF=$SYSCONFDIR/ramsec/ramsec.conf
STATE=$LOCALSTATEDIR/lib/ramsec
LIBDIR=$(dirname "$PAMDIR") # libnss_ramsec beside the other NSS modules
live=0
[ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ] && live=1
have_systemd() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

stop_daemon() {
	if have_systemd; then
		systemctl disable --now ramsec-policyd.service ramsec-policyd.socket \
			ramsec-policyd-user.socket ramsec-metrics.timer >/dev/null 2>&1 || true
	elif [ -f /run/ramsec/policyd.pid ]; then
		kill "$(cat /run/ramsec/policyd.pid)" 2>/dev/null || true
		sleep 0.5
	fi
}

if [ $uninstall = 1 ]; then
	[ $live = 1 ] && stop_daemon
	rm -f "$DESTDIR$PREFIX"/share/man/man8/pam_ramsec.8 "$DESTDIR$PREFIX"/share/man/man8/ramsec*.8 \
		"$DESTDIR$PREFIX"/share/man/man5/ramsec.conf.5
	rm -f "$DESTDIR$PREFIX/share/pam-configs/ramsec" \
		"$DESTDIR$PREFIX/share/bash-completion/completions/ramsecctl"
	rm -f "$DESTDIR$PAMDIR/pam_ramsec.so" "$DESTDIR$LIBDIR/libnss_ramsec.so.2" \
		"$DESTDIR$SBIN/ramsec-policyd" \
		"$DESTDIR$BIN/ramsecctl" "$DESTDIR$UNITDIR/ramsec-policyd.service" \
		"$DESTDIR$UNITDIR/ramsec-policyd.socket" "$DESTDIR$UNITDIR/ramsec-policyd-user.socket" \
		"$DESTDIR$UNITDIR/ramsec-metrics.service" "$DESTDIR$UNITDIR/ramsec-metrics.timer"
	[ $live = 1 ] && have_systemd && systemctl daemon-reload
	echo "ramsec removed; $CONF and $STATE are kept (remove them by hand to purge)."
	exit 0
fi

install -D -m 0644 "$B/pam_ramsec.so" "$DESTDIR$PAMDIR/pam_ramsec.so"
install -D -m 0644 "$B/libnss_ramsec.so.2" "$DESTDIR$LIBDIR/libnss_ramsec.so.2"
install -D -m 0755 "$B/ramsec-policyd" "$DESTDIR$SBIN/ramsec-policyd"
install -D -m 0755 "$B/ramsecctl" "$DESTDIR$BIN/ramsecctl"
for page in packaging/man/*.[58]; do
	sec=${page##*.}
	install -D -m 0644 "$page" "$DESTDIR$PREFIX/share/man/man$sec/$(basename "$page")"
done
install -D -m 0644 packaging/pam-configs/ramsec "$DESTDIR$PREFIX/share/pam-configs/ramsec"
install -D -m 0644 packaging/bash-completion/ramsecctl \
	"$DESTDIR$PREFIX/share/bash-completion/completions/ramsecctl"
install -d -m 0755 "$DESTDIR$SYSCONFDIR/ramsec"
if [ -e "$DESTDIR$CONF" ]; then
	install -m 0644 conf/ramsec.conf "$DESTDIR$CONF.dist"
	echo "kept the existing $CONF; the shipped one is $CONF.dist"
else
	install -m 0644 conf/ramsec.conf "$DESTDIR$CONF"
fi
install -d -m 0700 "$DESTDIR$STATE"
sed -e "s|@SBINDIR@|$SBIN|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
	packaging/systemd/ramsec-policyd.service >"$B/ramsec-policyd.service"
install -D -m 0644 "$B/ramsec-policyd.service" "$DESTDIR$UNITDIR/ramsec-policyd.service"
install -m 0644 packaging/systemd/ramsec-policyd.socket packaging/systemd/ramsec-policyd-user.socket \
	packaging/systemd/ramsec-metrics.timer "$DESTDIR$UNITDIR/"
# the metrics timer is installed, not enabled: README, "Metrics"
sed -e "s|@BINDIR@|$BIN|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
	packaging/systemd/ramsec-metrics.service >"$B/ramsec-metrics.service"
install -m 0644 "$B/ramsec-metrics.service" "$DESTDIR$UNITDIR/ramsec-metrics.service"

[ $live = 1 ] || exit 0
ldconfig 2>/dev/null || true
chown root:root "$CONF" && chmod 0644 "$CONF"
"$SBIN/ramsec-policyd" --check --config "$CONF"
if have_systemd; then
	systemctl daemon-reload
	systemctl enable ramsec-policyd.socket ramsec-policyd-user.socket \
		ramsec-policyd.service >/dev/null 2>&1
	systemctl restart ramsec-policyd.socket ramsec-policyd-user.socket ramsec-policyd.service
else
	[ -f /run/ramsec/policyd.pid ] && kill "$(cat /run/ramsec/policyd.pid)" 2>/dev/null && sleep 0.5
	"$SBIN/ramsec-policyd" --daemon --config "$CONF"
fi
for _ in 1 2 3 4 5 6 7 8 9 10; do
	"$BIN/ramsecctl" --config "$CONF" status >/dev/null 2>&1 && break
	sleep 0.3
done
"$BIN/ramsecctl" --config "$CONF" status
echo
echo "ramsec-policyd is running.  pam_ramsec is installed in $PAMDIR but not yet"
echo "in any PAM stack: 'pam-auth-update --enable ramsec' wires it"
echo "into the common-* files (see README.md, 'Wiring the PAM stack')."
echo "libnss_ramsec (central users, docs/DIRECTORY.md) is installed in $LIBDIR;"
echo "nsswitch.conf is yours: add 'ramsec' after 'files' on its passwd and group lines."
