# staffpool build. `make demo` and `make test` are the README's two commands; both install what is
# missing on a Debian machine first (tools/install-deps.sh).
PYTHON ?= /usr/bin/python3
CC ?= gcc
CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -D_POSIX_C_SOURCE=200809L
CPPFLAGS := -Iinclude -Icsrc
LDLIBS := -lglpk -lsqlite3 -lm -lpthread

SRC := $(wildcard csrc/*.c)
HDR := include/staffpool.h $(wildcard csrc/*.h)
BUILD := build
OBJ := $(SRC:csrc/%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libstaffpool.a
CTESTS := $(patsubst tests/c/%.c,$(BUILD)/%,$(wildcard tests/c/test_*.c))
NATIVE_STAMP := python/staffpool/.native-built
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all deps native demo test ctest pytest memcheck sanitize format clean bench

all: $(LIB) $(CTESTS) $(NATIVE_STAMP)

deps:
	@bash tools/install-deps.sh

$(BUILD)/%.o: csrc/%.c $(HDR) | $(BUILD)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -fPIC -c $< -o $@

$(BUILD):
	mkdir -p $(BUILD)

# A fresh archive each time: `ar` keeps members no longer listed, so an old one would still hold
# the objects of removed sources and the tests could link them.
$(LIB): $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/test_%: tests/c/test_%.c tests/c/harness.h tests/c/pools.h $(LIB)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@

# The Python extension, built in place so `PYTHONPATH=python` finds it.
$(NATIVE_STAMP): $(SRC) $(HDR) python/build_ffi.py
	cd python && $(PYTHON) build_ffi.py
	touch $@

native: deps $(NATIVE_STAMP)

demo: deps $(NATIVE_STAMP)
	PYTHONPATH=python $(PYTHON) -m staffpool demo

ctest: $(CTESTS)
	@set -e; for t in $(CTESTS); do echo "== $$t"; $$t; done

pytest: $(NATIVE_STAMP)
	PYTHONPATH=python $(PYTHON) -m pytest -q tests/python

test: deps
	$(MAKE) ctest pytest

memcheck: $(CTESTS)
	@set -e; for t in $(CTESTS); do \
	  valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect $$t; done

# C tests under AddressSanitizer and UBSan, in their own build directory.
sanitize:
	$(MAKE) BUILD=build-san CFLAGS="-O1 -g $(SAN)" LDLIBS="$(LDLIBS) $(SAN)" ctest

# Allocation benchmark against PuLP+CBC (issue 3); e.g. make bench SIZES="S M" SEEDS=3
SIZES ?= S M L
SEEDS ?= 1
bench: deps $(NATIVE_STAMP)
	$(PYTHON) bench/run.py --sizes "$(SIZES)" --seeds $(SEEDS)

# Rota engine on the Curtois & Qu instances in ../shared (issue 5); e.g. make bench-rota INSTANCES="1 2 3"
INSTANCES ?= 1 2 3 4
TIME_LIMIT ?= 60
.PHONY: bench-rota
bench-rota: deps $(NATIVE_STAMP)
	$(PYTHON) bench/rota.py --instances "$(INSTANCES)" --time-limit $(TIME_LIMIT)

format:
	clang-format -i include/*.h csrc/*.c csrc/*.h tests/c/*.c tests/c/*.h

clean:
	rm -rf build build-san python/staffpool/_native*.so python/staffpool/_native.c \
	  python/staffpool/_native.o $(NATIVE_STAMP)
