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
# Compile on every core, so make test stays well inside its 30 s.
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)

LIB_SRC  := $(filter-out src/cli%.c,$(wildcard src/*.c))
CLI_SRC  := $(wildcard src/cli*.c)
TEST_SRC := $(wildcard tests/test_*.c)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCHES  := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all test run bench sanitize clean install uninstall FORCE
all: $(BUILD)/wlr $(BUILD)/libwlr.a

$(BUILD)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(WFLAGS) $(CFLAGS) $(VECFLAGS) -c $< -o $@

# train_fast.c's loops are written to be vectorised (see there): -O3 turns
# the vectoriser fully on, and -fno-trapping-math lets it compute both arms
# of a select such as z > 0 ? z : 0 (we never read floating-point exception
# flags); 512-bit vectors where the AVX-512 clone runs. None of this
# changes a single result; it is not -ffast-math.
$(BUILD)/obj/train_fast.o $(BUILD)/pic/train_fast.o: VECFLAGS := -O3 -fno-trapping-math \
  -mprefer-vector-width=512
# train_step.c writes its vectors out (GNU C vector types) and needs no loop
# vectoriser: at -O3 gcc 12's vectorises the lane loops of its helpers
# (fv_fma) as loops and leaves them scalar (measured: 4.5x the
# instructions). -Wno-psabi: those helpers take 64-byte vectors but are
# always inlined, so the calling convention gcc notes on never applies.
$(BUILD)/obj/train_step.o $(BUILD)/pic/train_step.o: VECFLAGS := -O2 -fno-trapping-math \
  -Wno-psabi

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

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) test BUILD=build/san \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

clean:
	rm -rf build

# ------------------------------------------------------------- packaging
# make install [PREFIX=/usr/local] [DESTDIR=/staging]: bin/wlr, lib/libwlr.a,
# lib/libwlr.so, include/wlr.h, lib/pkgconfig/wlr.pc, share/man/man1/wlr.1.
# The shared library is built from its own position-independent objects in
# $(BUILD)/pic (the static library and the tool keep theirs in $(BUILD)/obj).
# `make uninstall` with the same PREFIX and DESTDIR removes those files.
PREFIX  ?= /usr/local
DESTDIR ?=
WLR_VERSION := $(shell sed -n 's/^\#define WLR_VERSION "\(.*\)"/\1/p' include/wlr.h)
PIC_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/pic/%.o)
INSTALLED := bin/wlr lib/libwlr.a lib/libwlr.so $(HEADERS) \
             lib/pkgconfig/wlr.pc share/man/man1/wlr.1

$(BUILD)/pic/%.o: src/%.c $(HEADERS) $(wildcard src/*.h) | $(BUILD)/pic
	$(CC) $(CPPFLAGS) $(WFLAGS) $(CFLAGS) $(VECFLAGS) -fPIC -c $< -o $@

$(BUILD)/libwlr.so: $(PIC_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libwlr.so $^ $(LDLIBS) -o $@

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
	install -m 755 $(BUILD)/libwlr.so $(DESTDIR)$(PREFIX)/lib/libwlr.so
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
FUZZ_FLAGS   := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZERS      := csv npy model options columns

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(LIB_SRC) $(HEADERS)
	mkdir -p build/fuzz
	$(FUZZ_CC) $(CPPFLAGS) -Isrc $(WFLAGS) $(FUZZ_FLAGS) $< $(LIB_SRC) $(LDLIBS) -o $@

build/fuzz/fuzz_options: tests/fuzz/fuzz_options.c $(LIB_SRC) $(CLI_SRC) $(HEADERS) src/cli.h
	mkdir -p build/fuzz
	$(FUZZ_CC) $(CPPFLAGS) -Isrc $(WFLAGS) $(FUZZ_FLAGS) -Dmain=wlr_cli_main \
	  $< $(LIB_SRC) $(CLI_SRC) $(LDLIBS) -o $@

fuzz-build: $(FUZZERS:%=build/fuzz/fuzz_%)

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	  mkdir -p build/fuzz/corpus/$$f && \
	  echo "fuzz_$$f: $(FUZZ_SECONDS) s" && \
	  (cd build/fuzz && ./fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	     -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	     corpus/$$f ../../tests/fuzz/corpus/$$f) || exit 1; \
	done
.PHONY: fuzz fuzz-build

# ------------------------------------------------------------- valgrind
# make valgrind: the command-line tests (cli_test.sh, cli_stream.sh, and cli_robust.sh for
# the error paths) with every wlr run under valgrind memcheck, leaks
# included; each process logs to $(BUILD)/valgrind/PID.log and any
# non-empty log fails the target. About 4-5 minutes on 2 cores.
VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
  --log-file=$(abspath $(BUILD))/valgrind/%p.log
VALGRIND_TESTS := tests/cli_test.sh tests/cli_robust.sh tests/cli_stream.sh
valgrind: all
	rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	@for t in $(VALGRIND_TESTS); do \
	  echo "valgrind: $$t"; \
	  WLR=$(BUILD)/wlr WLR_RUNNER="$(VALGRIND)" sh $$t >$(BUILD)/valgrind/tests.txt 2>&1; \
	  rc=$$?; tail -n 3 $(BUILD)/valgrind/tests.txt; [ $$rc -eq 0 ] || exit $$rc; \
	done
	@bad=$$(find $(BUILD)/valgrind -name '*.log' -size +0 | head -n 20); \
	if [ -n "$$bad" ]; then for f in $$bad; do echo "== $$f"; head -n 40 $$f; done; exit 1; fi; \
	echo "valgrind: no errors, no leaks in $$(find $(BUILD)/valgrind -name '*.log' | wc -l) runs"
.PHONY: valgrind
