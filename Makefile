# husk — an OCI container runtime.
#
# Targets:
#   all (default)      the husk binary and the man pages (when go-md2man is there)
#   check              install missing packages, build, run unit, integration and VM
#                      tests; ends with one line "N passed, M failed, K skipped"
#   check-unit         cmocka unit tests (no root needed)
#   check-integration  bats tests in tests/integration (root)
#   check-fuzz         replay tests/fuzz/corpus and tests/fuzz/crashes through the fuzzer
#                      (part of check; clang from make deps)
#   check-asan         husk and the unit tests built with ASan and UBSan into build-asan/,
#                      then the unit tests and ASAN_TESTS run against them (root; not part
#                      of check: the build alone takes about a minute and a half)
#   fuzz               libFuzzer over the config.json, state.json, process.json and
#                      resources.json parsers for FUZZ_TIME seconds, on one core
#   fuzz-seeds         remake seeds from tests/fixtures, merge new coverage into the corpus
#   demo               install missing packages, build, run a container from busybox
#   bench              husk beside runc and crun (tests/bench)
#   man                man/*.8.md and man/*.5.md -> roff with go-md2man
#   install            $(DESTDIR)$(BINDIR)/husk, $(DESTDIR)$(MANDIR)/man8/ and man5/
#   lint               clang-format --dry-run, banned functions, headers compile alone
#   deps               install the Debian packages the build and tests need (root)
#   clean
#
# Options (make VAR=value):
#   PREFIX=/usr/local  BINDIR=$(PREFIX)/sbin  MANDIR=$(PREFIX)/share/man
#   DESTDIR=           staging root for install
#   V=1                show the commands
#   DEVELOPER=1        add -Werror and a longer warning list
#   CC, CFLAGS, LDFLAGS as usual
#   TESTS="a.bats b.bats"  run only these integration files
#   FUZZ_TIME=60       seconds of make fuzz; FUZZ_CC=clang
#   ASAN_TESTS="..."   integration files of check-asan (default below); empty: unit tests only

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man

CC ?= cc
PKGS := libseccomp libcap jansson libmnl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wswitch-enum -Wno-unused-parameter -Wshadow -Wformat=2 -Wno-format-truncation
ifdef DEVELOPER
WARN += -Werror -Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith -Wundef
endif
HUSK_CFLAGS := -std=gnu11 -D_GNU_SOURCE -I. -Ilibcontainer $(WARN) $(PKG_CFLAGS) \
	-DHUSK_VERSION='"$(VERSION)"' -DHUSK_COMMIT='"$(COMMIT)"' -MMD -MP

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC := $(wildcard libcontainer/base/*.c) $(wildcard specs/*.c) $(wildcard cgroups/*.c) \
	$(wildcard namespaces/*.c) $(wildcard seccomp/*.c) $(wildcard libcontainer/*.c)
LIB_OBJ := $(LIB_SRC:.c=.o)
CMD_SRC := $(wildcard cmd/*.c)
CMD_OBJ := $(CMD_SRC:.c=.o)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:.c=)
MAN_SRC := $(wildcard man/*.8.md man/*.5.md)
MAN_OUT := $(MAN_SRC:.md=)
MAN8 := $(filter %.8,$(MAN_OUT))
MAN5 := $(filter %.5,$(MAN_OUT))
PAYLOAD := tests/payload/payload
RECVTTY := tests/payload/recvtty
LISTENER := tests/payload/seccomp-listener

# The fuzzer: clang's libFuzzer over specs/ and base/ (the parsers and what they use), built
# whole in one command with its own flags, so that it shares no object with the normal build.
FUZZ_CC ?= clang
FUZZ := tests/fuzz/fuzz-parsers
FUZZ_TIME ?= 60
FUZZ_LIB_SRC := $(wildcard libcontainer/base/*.c) $(wildcard specs/*.c)
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -I. -Ilibcontainer -Wall -Wextra -Wno-unused-parameter \
	$(PKG_CFLAGS) -DHUSK_VERSION='"$(VERSION)"' -DHUSK_COMMIT='"$(COMMIT)"' -O1 -g \
	-fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# check-asan: husk and the unit tests again with ASan and UBSan, objects under build-asan/ (the
# normal build is untouched), run with ASAN_CHECK_ENV against the unit tests and ASAN_TESTS.
# What works with husk's clone3 and execve:
#  - leak checking for the unit tests only; against husk it is off (detect_leaks=0): husk exec
#    joins the container's pid namespace for its child, LeakSanitizer's tracer, cloned at exit,
#    then cannot stop husk, and exec spins in sched_yield for ever;
#  - reports go to files under build-asan/reports/ (log_path), not to stderr, which the tests
#    compare and the init shares with the workload (a report made inside the container, where
#    that path does not exist, still fails loudly: ASan says it cannot open the file);
#  - no sanitizer runs under a default-deny seccomp profile: before a noreturn call (_exit) ASan
#    calls sigaltstack(), and a profile that refuses it makes ASan abort; so no seccomp.bats.
ASAN_DIR := build-asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_TESTS ?= config-errors.bats spec.bats exec.bats hooks.bats
ASAN_UNIT := $(addprefix $(ASAN_DIR)/,$(UNIT_BIN))
# $(call ASAN_CHECK_ENV,DETECT_LEAKS)
ASAN_CHECK_ENV = ASAN_OPTIONS=log_path=$(CURDIR)/$(ASAN_DIR)/reports/asan:detect_leaks=$(1) \
	UBSAN_OPTIONS=log_path=$(CURDIR)/$(ASAN_DIR)/reports/ubsan:print_stacktrace=1
# Replayed by check-fuzz: the seeds and every crash found (once fixed) as regression inputs.
FUZZ_DIRS := tests/fuzz/corpus tests/fuzz/crashes

.PHONY: all check check-unit check-integration check-vm check-fuzz check-asan fuzz fuzz-seeds demo bench \
	man install lint deps clean

all: husk man

%.o: %.c
	@$(if $(Q),echo "  CC    $@")
	$(Q)$(CC) $(HUSK_CFLAGS) $(CFLAGS) -c -o $@ $<

libhusk.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR    $@")
	$(Q)rm -f $@ && ar rcs $@ $^

husk: $(CMD_OBJ) libhusk.a
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) libhusk.a $(PKG_LIBS)

tests/unit/test-%: tests/unit/test-%.c libhusk.a
	@$(if $(Q),echo "  TEST  $@")
	$(Q)$(CC) $(HUSK_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< libhusk.a $(PKG_LIBS) -lcmocka

$(PAYLOAD): tests/payload/payload.c
	@$(if $(Q),echo "  CC    $@ (static)")
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -static -o $@ $<

$(RECVTTY): tests/payload/recvtty.c
	@$(if $(Q),echo "  CC    $@")
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -o $@ $<

$(ASAN_DIR)/%.o: %.c
	@$(if $(Q),echo "  CC    $@ (asan)")
	$(Q)mkdir -p $(@D) && $(CC) $(HUSK_CFLAGS) $(CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(ASAN_DIR)/libhusk.a: $(addprefix $(ASAN_DIR)/,$(LIB_OBJ))
	$(Q)rm -f $@ && ar rcs $@ $^

$(ASAN_DIR)/husk: $(addprefix $(ASAN_DIR)/,$(CMD_OBJ)) $(ASAN_DIR)/libhusk.a
	@$(if $(Q),echo "  LINK  $@ (asan)")
	$(Q)$(CC) $(CFLAGS) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(ASAN_DIR)/tests/unit/test-%: tests/unit/test-%.c $(ASAN_DIR)/libhusk.a
	@$(if $(Q),echo "  TEST  $@ (asan)")
	$(Q)mkdir -p $(@D) && $(CC) $(HUSK_CFLAGS) $(CFLAGS) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $< $(ASAN_DIR)/libhusk.a \
		$(PKG_LIBS) -lcmocka

$(FUZZ): tests/fuzz/fuzz-parsers.c $(FUZZ_LIB_SRC) $(wildcard specs/*.h libcontainer/base/*.h)
	@$(if $(Q),echo "  FUZZ  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-parsers.c $(FUZZ_LIB_SRC) $(PKG_LIBS)

$(LISTENER): tests/payload/seccomp-listener.c
	@$(if $(Q),echo "  CC    $@")
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -o $@ $<

man: $(if $(shell command -v go-md2man),$(MAN_OUT))

man/%.8: man/%.8.md
	@$(if $(Q),echo "  MAN   $@")
	$(Q)go-md2man -in $< -out $@

man/%.5: man/%.5.md
	@$(if $(Q),echo "  MAN   $@")
	$(Q)go-md2man -in $< -out $@

deps:
	$(Q)sh .ci/install-deps

# Results of each suite go to tests/results/*.tap; tests/summary.sh adds them up.
check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN) $(PAYLOAD) $(RECVTTY) $(LISTENER)
	$(Q)rm -rf tests/results && mkdir -p tests/results
	$(Q)$(MAKE) --no-print-directory check-unit || true
	$(Q)$(MAKE) --no-print-directory check-fuzz || true
	$(Q)$(MAKE) --no-print-directory check-integration || true
	$(Q)if [ -x tests/vm/run ] && command -v qemu-system-x86_64 >/dev/null; then \
		$(MAKE) --no-print-directory check-vm || true; fi
	$(Q)sh tests/summary.sh tests/results

check-unit: $(UNIT_BIN)
	$(Q)mkdir -p tests/results
	$(Q)status=0; for t in $(UNIT_BIN); do \
		echo "# $$t"; \
		out=tests/results/unit-$$(basename $$t).tap; \
		if ! CMOCKA_MESSAGE_OUTPUT=TAP ./$$t > $$out 2>&1; then \
			status=1; grep -q '^not ok' $$out || echo "not ok - $$t exited with an error" >> $$out; \
		fi; \
		cat $$out; \
	done; exit $$status

check-integration: husk $(PAYLOAD) $(RECVTTY) $(LISTENER)
	$(Q)mkdir -p tests/results
	$(Q)cd tests/integration && bats --tap $(or $(TESTS),.) | tee ../results/integration.tap; \
		status=$${PIPESTATUS[0]}; \
		if [ $$status != 0 ] && ! grep -q '^not ok' ../results/integration.tap; then \
			echo "not ok - bats exited with status $$status" >> ../results/integration.tap; fi; \
		exit $$status

# TAP into build-asan/results/; a sanitizer report anywhere (husk, its init, a unit test) is a
# failure of its own, as a child's report does not always fail a test.
check-asan: $(ASAN_DIR)/husk $(ASAN_UNIT) $(PAYLOAD) $(RECVTTY) $(LISTENER)
	$(Q)rm -rf $(ASAN_DIR)/results $(ASAN_DIR)/reports && mkdir -p $(ASAN_DIR)/results $(ASAN_DIR)/reports
	$(Q)for t in $(ASAN_UNIT); do \
		out=$(ASAN_DIR)/results/unit-$$(basename $$t).tap; \
		if ! $(call ASAN_CHECK_ENV,1) CMOCKA_MESSAGE_OUTPUT=TAP ./$$t > $$out 2>&1; then \
			grep -q '^not ok' $$out || echo "not ok - $$t exited with an error" >> $$out; fi; \
		cat $$out; \
	done
	$(Q)$(if $(ASAN_TESTS),cd tests/integration && $(call ASAN_CHECK_ENV,0) HUSK=$(CURDIR)/$(ASAN_DIR)/husk \
		bats --tap $(ASAN_TESTS) | tee $(CURDIR)/$(ASAN_DIR)/results/integration.tap,:)
	$(Q)if ls $(ASAN_DIR)/reports | grep -q .; then \
		for f in $(ASAN_DIR)/reports/*; do echo "not ok - sanitizer report $$f"; sed 's/^/# /' $$f; done; \
	else echo "ok - no sanitizer report"; fi | tee $(ASAN_DIR)/results/reports.tap
	$(Q)sh tests/summary.sh $(ASAN_DIR)/results

# Replays FUZZ_DIRS, one TAP line each.  Without clang (make deps installs it) the line is a skip.
check-fuzz:
	$(Q)mkdir -p tests/results tests/fuzz/crashes
	$(Q)out=tests/results/fuzz.tap; echo "1..$(words $(FUZZ_DIRS))" > $$out; \
	if ! command -v $(FUZZ_CC) >/dev/null; then \
		for d in $(FUZZ_DIRS); do echo "ok - fuzz: replay $$d # SKIP $(FUZZ_CC) is not installed" >> $$out; done; \
	elif ! $(MAKE) --no-print-directory $(FUZZ); then \
		for d in $(FUZZ_DIRS); do echo "not ok - fuzz: replay $$d: $(FUZZ) does not build" >> $$out; done; \
	else for d in $(FUZZ_DIRS); do \
		n=$$(find $$d -type f | wc -l); \
		if ./$(FUZZ) -runs=0 $$d > tests/results/fuzz-$$(basename $$d).log 2>&1; then \
			echo "ok - fuzz: replay $$d ($$n inputs)" >> $$out; \
		else echo "not ok - fuzz: replay $$d ($$n inputs): see tests/results/fuzz-$$(basename $$d).log" >> $$out; fi; \
	done; fi; cat $$out; ! grep -q '^not ok' $$out

# One process, so one core: new inputs go to tests/fuzz/work/ (not checked in; the checked-in
# corpus is only read), a crash to tests/fuzz/crashes/ (checked in once fixed).
fuzz: $(FUZZ)
	$(Q)mkdir -p tests/fuzz/work tests/fuzz/crashes
	$(Q)$(FUZZ) -max_total_time=$(FUZZ_TIME) -timeout=10 -max_len=16384 -print_final_stats=1 \
		-dict=tests/fuzz/json.dict -artifact_prefix=tests/fuzz/crashes/ tests/fuzz/work tests/fuzz/corpus

# The seeds again from tests/fixtures, merged into the corpus where they add coverage.
fuzz-seeds: $(FUZZ)
	$(Q)rm -rf tests/fuzz/seeds && sh tests/fuzz/make-seeds.sh tests/fuzz/seeds
	$(Q)$(FUZZ) -merge=1 tests/fuzz/corpus tests/fuzz/seeds && rm -rf tests/fuzz/seeds

check-vm: husk $(PAYLOAD) $(RECVTTY) $(LISTENER)
	$(Q)mkdir -p tests/results
	$(Q)tests/vm/run | tee tests/results/vm.tap; exit $${PIPESTATUS[0]}

demo: deps
	$(Q)$(MAKE) --no-print-directory husk
	$(Q)sh tests/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory husk
	$(Q)sh tests/bench/run.sh

install: all
	install -D -m 0755 husk $(DESTDIR)$(BINDIR)/husk
	$(if $(wildcard $(MAN8)),install -d $(DESTDIR)$(MANDIR)/man8 && install -m 0644 $(wildcard $(MAN8)) $(DESTDIR)$(MANDIR)/man8/)
	$(if $(wildcard $(MAN5)),install -d $(DESTDIR)$(MANDIR)/man5 && install -m 0644 $(wildcard $(MAN5)) $(DESTDIR)$(MANDIR)/man5/)

lint:
	$(Q)clang-format --dry-run --Werror $(LIB_SRC) $(CMD_SRC) $(wildcard */*.h */*/*.h)
	$(Q)! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|system|gets)\(' $(LIB_SRC) $(CMD_SRC) | grep -v banned.h
	$(Q)for h in $(wildcard libcontainer/base/*.h specs/*.h cgroups/*.h namespaces/*.h seccomp/*.h libcontainer/*.h); do \
		echo "#include \"$$h\"" | $(CC) $(HUSK_CFLAGS) -fsyntax-only -x c - || exit 1; done
	$(Q)if command -v shellcheck >/dev/null; then shellcheck -s bash tests/*.sh tests/bench/*.sh tests/vm/run tests/vm/init tests/fuzz/make-seeds.sh .ci/run .ci/install-deps .ci/install-engines; fi

clean:
	rm -f husk libhusk.a $(LIB_OBJ) $(CMD_OBJ) $(UNIT_BIN) $(PAYLOAD) $(RECVTTY) $(LISTENER) $(MAN_OUT)
	rm -f $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)
	rm -rf tests/results $(ASAN_DIR) tests/fuzz/work tests/fuzz/seeds
	rm -f $(FUZZ)

SHELL := /bin/bash
-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(wildcard $(ASAN_DIR)/*/*.d $(ASAN_DIR)/*/*/*.d)
