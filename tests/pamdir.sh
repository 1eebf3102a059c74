#!/bin/sh
# Prints the directory where this system's libpam looks for modules.
for d in /lib/x86_64-linux-gnu/security /usr/lib/x86_64-linux-gnu/security \
	/lib/$(uname -m)-linux-gnu/security /usr/lib64/security /lib64/security \
	/usr/lib/security /lib/security; do
	if [ -e "$d/pam_unix.so" ]; then echo "$d"; exit 0; fi
done
echo /lib/security
