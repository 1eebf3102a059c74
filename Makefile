# ramsec: one PAM module, one daemon, one admin tool.
#
#   make            build/pam_ramsec.so build/ramsec-policyd build/ramsecctl
#   make check      install build/test dependencies (apt-get, as root), build
#                   with -Werror, run unit, PAM integration and daemon tests
#   sudo make install   install and start the gate (see README.md)
#   make asan       the tests under AddressSanitizer + UBSan
#   make fuzz       every libFuzzer harness for FUZZ_TIME seconds (clang)
#   make bench      the benchmarks of tests/bench, printed

PREFIX	?= /usr
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
DESTDIR	?=
PAMDIR	?= $(shell ./tests/pamdir.sh)
UNITDIR	?= /lib/systemd/system

CC	?= cc
B	?= build
WERROR	?= -Werror
SAN	?=
OPT	?= -O2 -g

WARN	= -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	  -Wstack-usage=65536 \
	  -Wno-missing-field-initializers $(WERROR)
HARDEN	= -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIC
CFLAGS	+= -I/usr/include/postgresql -std=gnu11 $(OPT) $(WARN) $(HARDEN) $(SAN) -Iinclude -I. -D_GNU_SOURCE \
	  -DRS_CONFIG_PATH='"$(SYSCONFDIR)/ramsec/ramsec.conf"'
LDFLAGS	+= -Wl,-z,relro,-z,now $(SAN)

LIB_SRC	= $(wildcard lib/*.c)
COM_SRC	= $(wildcard common/*.c)
PAM_SRC	= $(wildcard pam_ramsec/*.c)
PD_SRC	= $(wildcard policyd/*.c)
CTL_SRC	= $(wildcard ctl/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)

obj	= $(patsubst %.c,$(B)/obj/%.o,$(1))
LIB_OBJ	= $(call obj,$(LIB_SRC))
COM_OBJ	= $(call obj,$(COM_SRC))

LIBS_PD	= -lsqlite3 -lpq -lcrypt -lconfig -lcrypto -lpthread -loath -lqrencode -ljansson
LIBS_CTL = -lconfig -lcrypt -loath -lqrencode -lpng -ljansson
LIBS_PAM = -lpam -lconfig

PROGS	= $(B)/pam_ramsec.so $(B)/ramsec-policyd $(B)/ramsecctl $(B)/libnss_ramsec.so.2
UNIT_BIN = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
TEST_BIN = $(B)/tests/pamdrive $(B)/tests/libnss_rscase.so.2 $(B)/tests/settings_man \
	   $(B)/tests/nss_threads


.PHONY: all check deps deps-build tests-build test e2e e2e-pg pamtest-pg fleet layers docs man demo deb unit pamtest asan fuzz fuzz-quick bench install uninstall clean format

all: $(B)/.build-deps $(PROGS)

# once per build directory: missing build packages are named, with the
# command that installs them, before the compiler fails on a header
$(B)/.build-deps:
	@./tests/install-deps.sh check
	@mkdir -p $(B) && touch $@

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/libramsec.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libramsec_common.a: $(COM_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/pam_ramsec.so: $(call obj,$(PAM_SRC)) $(B)/libramsec_common.a $(B)/libramsec.a pam_ramsec/pam_ramsec.map
	$(CC) -shared -fvisibility=hidden -Wl,--version-script=pam_ramsec/pam_ramsec.map \
		$(LDFLAGS) -o $@ $(call obj,$(PAM_SRC)) $(B)/libramsec_common.a $(B)/libramsec.a $(LIBS_PAM)

# the directory's NSS module: only the _nss_ramsec_* entry points exported
$(B)/libnss_ramsec.so.2: $(B)/obj/nss/nss_ramsec.o $(B)/libramsec_common.a $(B)/libramsec.a nss/nss_ramsec.map
	$(CC) -shared -fvisibility=hidden -Wl,-soname,libnss_ramsec.so.2 \
		-Wl,--version-script=nss/nss_ramsec.map $(LDFLAGS) -o $@ $(B)/obj/nss/nss_ramsec.o \
		$(B)/libramsec_common.a $(B)/libramsec.a

$(B)/ramsec-policyd: $(call obj,$(PD_SRC)) $(B)/libramsec_common.a $(B)/libramsec.a
	$(CC) $(LDFLAGS) -o $@ $(call obj,$(PD_SRC)) $(B)/libramsec_common.a $(B)/libramsec.a $(LIBS_PD)

$(B)/ramsecctl: $(call obj,$(CTL_SRC)) $(B)/libramsec_common.a $(B)/libramsec.a
	$(CC) $(LDFLAGS) -o $@ $(call obj,$(CTL_SRC)) $(B)/libramsec_common.a $(B)/libramsec.a $(LIBS_CTL)

$(B)/tests/test_%: tests/unit/test_%.c $(B)/libramsec_common.a $(B)/libramsec.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libramsec_common.a $(B)/libramsec.a -lcmocka -lconfig -loath -lqrencode -ljansson

# -lcrypt: under ASan, pam_unix's crypt_r goes through the sanitizer's
# interceptor, which needs libcrypt in the process from the start
$(B)/tests/pamdrive: tests/pam/pamdrive.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lpam -lcrypt

$(B)/tests/settings_man: tests/docs/settings_man.c $(B)/libramsec.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libramsec.a

# the KEYS section of ramsec.conf(5), made from the settings table
man: $(B)/tests/settings_man
	@./tests/docs.sh --update $(B)

# a test NSS module that folds case (tests/pam/t_casefold.sh)
$(B)/tests/libnss_rscase.so.2: tests/nss/nss_rscase.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -Wl,-soname,libnss_rscase.so.2 $(LDFLAGS) -o $@ $<

# many threads' lookups at once through libnss_ramsec (t_directory.sh)
$(B)/tests/nss_threads: tests/nss/nss_threads.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lpthread

# --- tests ---------------------------------------------------------------

deps:
	@./tests/install-deps.sh test

deps-build:
	@./tests/install-deps.sh build

check: deps
	$(MAKE) WERROR=-Werror all tests-build
	$(MAKE) test

tests-build: $(UNIT_BIN) $(TEST_BIN)

test: unit layers docs pamtest pamtest-pg fleet e2e e2e-pg fuzz-quick
	@./tests/pam-auth-update.sh
	@./tests/deb.sh

# the Debian package, into build/deb
deb:
	@./tests/deb.sh

# policyd's files call only downwards (docs/ARCHITECTURE.md)
layers: $(PROGS)
	@./tests/layers.sh $(B)

docs: $(B)/tests/settings_man $(B)/ramsecctl
	@./tests/docs.sh --check $(B)

unit: $(UNIT_BIN)
	@./tests/run-unit.sh $(UNIT_BIN)

pamtest: $(PROGS) $(TEST_BIN)
	@./tests/pam/run.sh $(B)

# the same PAM suite on the fleet's store: the store contract's conformance
pamtest-pg: $(PROGS) $(TEST_BIN)
	@./tests/pam/run.sh --postgresql $(B)

# three hosts on one PostgreSQL: exact lockout, codes once, outages
fleet: $(PROGS) $(TEST_BIN)
	@./tests/fleet/run.sh $(B)

e2e: $(PROGS)
	@./tests/e2e/run.sh $(B)

# the real-sshd suite once with the PostgreSQL store
e2e-pg: $(PROGS)
	@E2E_STORE=postgresql ./tests/e2e/run.sh $(B)

# a walk through ramsec in front of a real sshd, in private namespaces
demo: deps
	$(MAKE) all
	@./tests/e2e/demo.sh $(B)

asan:
	$(MAKE) B=build-asan OPT="-O1 -g" SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" \
		all tests-build
	ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 $(MAKE) B=build-asan OPT="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" unit pamtest

FUZZ_TIME ?= 60
# every harness of tests/fuzz for FUZZ_TIME seconds each
fuzz:
	@./tests/fuzz/run.sh $(B) $(FUZZ_TIME)

# in make check: a few seconds each, so a crash cannot land
fuzz-quick:
	@./tests/fuzz/run.sh $(B) 4

bench: $(PROGS) $(TEST_BIN) $(B)/tests/bench $(B)/tests/bench_history $(B)/tests/bench_nss
	@./tests/bench/run.sh $(B)
	@./tests/bench/history.sh $(B)
	@./tests/bench/fleet.sh $(B)
	@./tests/bench/nss.sh $(B)

$(B)/tests/bench_nss: tests/bench/bench_nss.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(B)/tests/bench_history: tests/bench/bench_history.c $(B)/libramsec_common.a $(B)/libramsec.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libramsec_common.a $(B)/libramsec.a -lconfig -lcrypt

$(B)/tests/bench: tests/bench/bench.c $(B)/libramsec_common.a $(B)/libramsec.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libramsec_common.a $(B)/libramsec.a -lconfig -lpthread -lcrypt

# --- install -------------------------------------------------------------

install: deps-build
	$(MAKE) all
	./packaging/install.sh "$(DESTDIR)" "$(PREFIX)" "$(SYSCONFDIR)" "$(LOCALSTATEDIR)" \
		"$(PAMDIR)" "$(UNITDIR)" "$(B)"

uninstall:
	./packaging/install.sh --uninstall "$(DESTDIR)" "$(PREFIX)" "$(SYSCONFDIR)" \
		"$(LOCALSTATEDIR)" "$(PAMDIR)" "$(UNITDIR)" "$(B)"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
