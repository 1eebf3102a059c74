#!/bin/bash
# Test users: created for the tests, removed after.  Passwords are real
# yescrypt hashes in /etc/shadow.
TEST_USERS="rst_alice rst_bob rst_sys"

users_remove() {
	for u in $TEST_USERS; do
		id "$u" >/dev/null 2>&1 && userdel "$u" >/dev/null 2>&1
	done
	return 0
}

users_create() {
	users_remove
	useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 rst_alice &&
	useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 rst_bob &&
	useradd -r -M -N -s /usr/sbin/nologin rst_sys &&
	usermod -p "$(mkpasswd -m yescrypt 'Correct-Horse-7')" rst_alice &&
	usermod -p "$(mkpasswd -m yescrypt 'Battery-Staple-9')" rst_bob &&
	usermod -p "$(mkpasswd -m yescrypt 'System-Pass-1')" rst_sys
}
