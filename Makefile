# husk — an OCI container runtime.
#
# Targets:
#   all (default)      the husk binary and the man pages (when go-md2man is there)
#   check              install missing packages, build, run unit, integration and VM
#                      tests; ends with one line "N passed, M failed, K skipped"
#   check-unit         cmocka unit tests (no root needed)
#   check-integration  bats tests in tests/integration (root)
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

.PHONY: all check check-unit check-integration check-vm demo bench man install lint deps clean

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
	$(Q)if command -v shellcheck >/dev/null; then shellcheck -s bash tests/*.sh tests/bench/*.sh tests/vm/run tests/vm/init .ci/run .ci/install-deps .ci/install-engines; fi

clean:
	rm -f husk libhusk.a $(LIB_OBJ) $(CMD_OBJ) $(UNIT_BIN) $(PAYLOAD) $(RECVTTY) $(LISTENER) $(MAN_OUT)
	rm -f $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)
	rm -rf tests/results

SHELL := /bin/bash
-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)
