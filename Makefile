# wlr - weighted logistic regression. `make` builds, `make test` tests,
# `make run` runs the main experiment. Build output goes to build/.

CC      ?= cc
# No floating-point contraction anywhere: the data generator must do plain
# IEEE operations in the written order to match scikit-learn bit for bit, and
# the whole tool stays deterministic across compilers. Never -ffast-math.
CFLAGS  ?= -O2 -g
WFLAGS  := -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -ffp-contract=off
CPPFLAGS := -Iinclude -D_POSIX_C_SOURCE=200809L
# libm only: threads come from libc itself (glibc 2.34 and later).
LDLIBS  := -lm
# The public headers: wlr.h (the core) and its companions.
HEADERS := $(wildcard include/*.h)
BUILD   ?= build
# Compile on every core: a fresh clone builds in seconds.
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)

# The fast kernels exist once per instruction set (src/kernel.h): the step
# in files of their own, the sums as kernel_sums.c compiled once per path
# into kernel_sums_PATH.o. Which paths this build gets depends on the
# machine the compiler builds for; the best one the CPU runs is chosen at
# run time, and WLR_KERNEL=PATH forces one.
ARCH := $(shell $(CC) -dumpmachine 2>/dev/null)
PATHS := scalar
ifneq (,$(findstring x86_64,$(ARCH)))
PATHS += avx2
endif
ifneq (,$(findstring aarch64,$(ARCH)))
PATHS += neon
endif

LIB_SRC  := $(filter-out src/cli%.c src/kernel_sums.c,$(wildcard src/*.c))
CLI_SRC  := $(wildcard src/cli*.c)
TEST_SRC := $(wildcard tests/test_*.c)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(PATHS:%=$(BUILD)/obj/kernel_sums_%.o)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCHES  := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all test tests test-paths check-cross run bench sanitize clean install uninstall FORCE
all: $(BUILD)/wlr $(BUILD)/libwlr.a

$(BUILD)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(WFLAGS) $(CFLAGS) $(VECFLAGS) -c $< -o $@

$(BUILD)/obj/kernel_sums_%.o: src/kernel_sums.c $(HEADERS) $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(WFLAGS) $(CFLAGS) $(SUMS_FLAGS_$*) -c $< -o $@

# Each path's flags. The sums' loops are written for the vectoriser: -O3
# turns it fully on, and -fno-trapping-math lets it compute both arms of a
# select such as z > 0 ? z : 0 (nothing here reads floating-point exception
# flags); neither changes a result, and neither is -ffast-math. The scalar
# path has the vectoriser off: plain scalar code. Flags for an instruction
# set go only to its own files, and only on its architecture.
SUMS_FLAGS_scalar := -fno-tree-vectorize -DWLR__SUMS_PATH=wlr__sums_scalar
SUMS_FLAGS_avx2   := -O3 -fno-trapping-math -mavx2 -mfma \
                     -DWLR__SUMS_PATH=wlr__sums_avx2 -DWLR__SUMS_SECONDARY
SUMS_FLAGS_neon   := -O3 -fno-trapping-math \
                     -DWLR__SUMS_PATH=wlr__sums_neon -DWLR__SUMS_SECONDARY
ifneq (,$(findstring avx2,$(PATHS)))
$(BUILD)/obj/kernel_step_avx2.o $(BUILD)/pic/kernel_step_avx2.o: VECFLAGS := -mavx2 -mfma
endif

$(BUILD)/libwlr.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/wlr: $(CLI_OBJ) $(BUILD)/libwlr.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(BUILD)/libwlr.a $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/%.c tests/check.h $(HEADERS) $(BUILD)/libwlr.a | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Isrc $(WFLAGS) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/libwlr.a $(LDLIBS) -o $@

$(BUILD)/bench/%: bench/%.c $(BUILD)/libwlr.a | $(BUILD)/bench
	$(CC) $(CPPFLAGS) -Isrc $(WFLAGS) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/libwlr.a $(LDLIBS) -o $@

$(BUILD)/obj $(BUILD)/tests $(BUILD)/bench:
	mkdir -p $@

# Every unit test binary, then the command-line tests; the last line is the
# total, "N passed, N failed".
test: all $(TESTS)
	@sh tests/run.sh $(BUILD)

run: $(BUILD)/wlr
	./$(BUILD)/wlr experiment

# Speed measurements (not tests): see bench/README.md.
bench: all $(BENCHES)
	@sh bench/run.sh $(BUILD)

# Build the test programs without running them.
tests: all $(TESTS)

# The whole suite once on every other path this machine runs, each forced
# with WLR_KERNEL (make test already ran the one chosen by default).
test-paths: all $(TESTS)
	@chosen=$$(./$(BUILD)/wlr --version | sed -n 's/^kernel \([a-z0-9]*\) .*/\1/p'); \
	for p in $$(./$(BUILD)/wlr --version | sed -n 's/^kernel .*runs: *\(.*\))$$/\1/p'); do \
	  [ "$$p" = "$$chosen" ] && continue; \
	  echo "== WLR_KERNEL=$$p"; \
	  WLR_KERNEL=$$p sh tests/run.sh $(BUILD) >$(BUILD)/test-$$p.log 2>&1; rc=$$?; \
	  tail -n 1 $(BUILD)/test-$$p.log; \
	  if [ $$rc != 0 ]; then grep -E 'FAIL|BROKEN' $(BUILD)/test-$$p.log | head -n 20; exit 1; fi; \
	done

# make check-cross: the other machines, emulated (tests/cross.sh): wlr
# cross-built for aarch64 with Debian's gcc-aarch64-linux-gnu, its unit
# tests and outputs under qemu-aarch64, and the native build on an x86-64
# CPU without AVX2 (qemu-x86_64 -cpu qemu64).
CROSS_CC ?= aarch64-linux-gnu-gcc
check-cross: all
	$(MAKE) CC=$(CROSS_CC) BUILD=$(BUILD)/aarch64 tests
	sh tests/cross.sh $(BUILD) $(BUILD)/aarch64

# make check-page: the explorable page of `wlr experiment --plots` in a real
# browser, headless Chromium (Debian's chromium package), against what the
# command line prints (tests/page.sh; not part of make test).
check-page: all
	@WLR=$(BUILD)/wlr sh tests/page.sh
.PHONY: check-page

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) test BUILD=build/san \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# The whole suite again under MemorySanitizer (clang): reads of memory never
# written. It covers every test where make valgrind covers three scripts,
# at a tenth of valgrind's time, so CI runs this one.
msan:
	$(MAKE) test BUILD=build/msan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=memory -fsanitize-memory-track-origins -fno-omit-frame-pointer"
.PHONY: msan

clean:
	rm -rf build

# ------------------------------------------------------------- packaging
# make install [PREFIX=/usr/local] [DESTDIR=/staging]: bin/wlr, lib/libwlr.a,
# lib/libwlr.so (and its versioned names), include/wlr*.h,
# lib/pkgconfig/wlr.pc, share/man/man1/wlr.1. The pkg-config file records
# the library's folder as the programs' run path, so a program built with
# it runs from any PREFIX without LD_LIBRARY_PATH or ldconfig.
# The shared library is built from its own position-independent objects in
# $(BUILD)/pic (the static library and the tool keep theirs in $(BUILD)/obj).
# `make uninstall` with the same PREFIX and DESTDIR removes those files.
PREFIX  ?= /usr/local
DESTDIR ?=
WLR_VERSION := $(shell sed -n 's/^\#define WLR_VERSION "\(.*\)"/\1/p' include/wlr.h)
# The shared library's soname carries the version's first two numbers
# (while the first is 0, a new second number may change the ABI):
# libwlr.so.0.3, a link to the file libwlr.so.0.3.0; libwlr.so links to it
# for the linker.
SONAME := libwlr.so.$(basename $(WLR_VERSION))
PIC_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/pic/%.o) $(PATHS:%=$(BUILD)/pic/kernel_sums_%.o)
INSTALLED := bin/wlr lib/libwlr.a lib/libwlr.so lib/$(SONAME) lib/libwlr.so.$(WLR_VERSION) \
             $(HEADERS:include/%=include/%) lib/pkgconfig/wlr.pc share/man/man1/wlr.1

$(BUILD)/pic/%.o: src/%.c $(HEADERS) $(wildcard src/*.h) | $(BUILD)/pic
	$(CC) $(CPPFLAGS) $(WFLAGS) $(CFLAGS) $(VECFLAGS) -fPIC -c $< -o $@

$(BUILD)/pic/kernel_sums_%.o: src/kernel_sums.c $(HEADERS) $(wildcard src/*.h) | $(BUILD)/pic
	$(CC) $(CPPFLAGS) $(WFLAGS) $(CFLAGS) $(SUMS_FLAGS_$*) -fPIC -c $< -o $@

$(BUILD)/libwlr.so: $(PIC_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) $^ $(LDLIBS) -o $@

# The prefix is baked in, so the file is remade on every install.
$(BUILD)/wlr.pc: man/wlr.pc.in include/wlr.h FORCE
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(WLR_VERSION)|g' $< >$@

$(BUILD)/pic:
	mkdir -p $@

install: $(BUILD)/wlr $(BUILD)/libwlr.a $(BUILD)/libwlr.so $(BUILD)/wlr.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/wlr $(DESTDIR)$(PREFIX)/bin/wlr
	install -m 644 $(BUILD)/libwlr.a $(DESTDIR)$(PREFIX)/lib/libwlr.a
	install -m 755 $(BUILD)/libwlr.so $(DESTDIR)$(PREFIX)/lib/libwlr.so.$(WLR_VERSION)
	ln -sf libwlr.so.$(WLR_VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libwlr.so
	install -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/wlr.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/wlr.pc
	install -m 644 man/wlr.1 $(DESTDIR)$(PREFIX)/share/man/man1/wlr.1

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED))

FORCE:

# ------------------------------------------------------------- fuzzing
# make fuzz [FUZZ_SECONDS=600]: libFuzzer harnesses (tests/fuzz/, clang with
# its fuzzer runtime) for the CSV, .npy and model-file readers, the CSV
# reader's column selection (columns, drop, ids, names) and the option
# parser, built into build/fuzz/ and run one after the other, each for
# FUZZ_SECONDS, from the seed corpus in tests/fuzz/corpus/NAME (new inputs
# go to build/fuzz/corpus/NAME; crashes to build/fuzz/crash-*).
# The option parser needs the CLI without its main: -Dmain=wlr_cli_main.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS   := -O1 -g -fsanitize=fuzzer $(FUZZ_SAN)
FUZZERS      := csv npy model options columns

# The library (and, for the option parser, the CLI's objects) built with the
# sanitizers and the fuzzer's coverage, each file with its own flags.
FUZZ_LIB := build/fuzz/lib
fuzz-lib:
	$(MAKE) BUILD=$(FUZZ_LIB) CC=$(FUZZ_CC) \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_LIB)/libwlr.a \
	  $(CLI_SRC:src/%.c=$(FUZZ_LIB)/obj/%.o)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h fuzz-lib
	$(FUZZ_CC) $(CPPFLAGS) -Isrc $(WFLAGS) $(FUZZ_FLAGS) $< $(FUZZ_LIB)/libwlr.a $(LDLIBS) -o $@

# The CLI without its main: -Dmain=wlr_cli_main in the harness's own copy of
# cli.c, the other CLI objects as built.
build/fuzz/fuzz_options: tests/fuzz/fuzz_options.c fuzz-lib
	$(FUZZ_CC) $(CPPFLAGS) -Isrc $(WFLAGS) $(FUZZ_FLAGS) -Dmain=wlr_cli_main \
	  $< src/cli.c $(filter-out $(FUZZ_LIB)/obj/cli.o,$(CLI_SRC:src/%.c=$(FUZZ_LIB)/obj/%.o)) \
	  $(FUZZ_LIB)/libwlr.a $(LDLIBS) -o $@

fuzz-build: $(FUZZERS:%=build/fuzz/fuzz_%)

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	  mkdir -p build/fuzz/corpus/$$f && \
	  echo "fuzz_$$f: $(FUZZ_SECONDS) s" && \
	  (cd build/fuzz && ./fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	     -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	     corpus/$$f ../../tests/fuzz/corpus/$$f) || exit 1; \
	done
.PHONY: fuzz fuzz-build fuzz-lib

# ------------------------------------------------------------- valgrind
# make valgrind: the command-line tests (cli_test.sh, cli_stream.sh, and cli_robust.sh for
# the error paths) with every wlr run under valgrind memcheck, leaks
# included; each process logs to $(BUILD)/valgrind/PID.log and any
# non-empty log fails the target. The scripts run side by side, one a core.
VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
  --log-file=$(abspath $(BUILD))/valgrind/%p.log
VALGRIND_TESTS := tests/cli_robust.sh tests/cli_test.sh tests/cli_stream.sh
valgrind: all
	rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	@for t in $(VALGRIND_TESTS); do n=$$(basename $$t .sh); \
	  (WLR=$(BUILD)/wlr WLR_RUNNER="$(VALGRIND)" sh $$t >$(BUILD)/valgrind/$$n.txt 2>&1; \
	   echo $$? >$(BUILD)/valgrind/$$n.rc) & \
	done; wait; rc=0; \
	for t in $(VALGRIND_TESTS); do n=$$(basename $$t .sh); \
	  echo "valgrind: $$t"; tail -n 3 $(BUILD)/valgrind/$$n.txt; \
	  [ "$$(cat $(BUILD)/valgrind/$$n.rc)" = 0 ] || rc=1; \
	done; exit $$rc
	@bad=$$(find $(BUILD)/valgrind -name '*.log' -size +0 | head -n 20); \
	if [ -n "$$bad" ]; then for f in $$bad; do echo "== $$f"; head -n 40 $$f; done; exit 1; fi; \
	echo "valgrind: no errors, no leaks in $$(find $(BUILD)/valgrind -name '*.log' | wc -l) runs"
.PHONY: valgrind
