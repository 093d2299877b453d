# chidao — see README.md. `make demo` and `make check` install what they need.
PKGS      := icu-uc icu-i18n libpcre2-8 libxml-2.0 xlsxwriter jansson libcrypto libzip poppler-glib
TEST_PKGS := cmocka
# Debian packages the tests use directly (validators, an independent XLSX
# reader, a PostgreSQL server for the load test).
TEST_DEBS := deb:python3 deb:python3-jsonschema deb:python3-openpyxl deb:libxml2-utils deb:postgresql \
             deb:clang deb:libclang-rt-dev deb:unzip deb:valgrind
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -D_POSIX_C_SOURCE=200809L \
            -DCHIDAO_RULES_DIR=\"$(abspath rules)\"
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
BUILD    ?= build

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
SAMPLES  := $(wildcard samples/*.txt)
SHARED   ?= ../shared

.PHONY: all deps test-deps demo check unit golden cli rules-test accuracy asan clean regen bench \
        schemas spreadsheet database batch-test formats template-test bad fuzz fuzz-smoke valgrind

all: $(BUILD)/chidao

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/libchidao.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/chidao: $(BUILD)/obj/main.o $(BUILD)/libchidao.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libchidao.a tests/unit/testutil.h tests/unit/ziputil.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -Isrc $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< \
	    $(BUILD)/libchidao.a $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lpthread

deps:
	@scripts/install-deps $(PKGS)

test-deps:
	@scripts/install-deps $(PKGS) $(TEST_PKGS) $(TEST_DEBS)

demo: deps
	@$(MAKE) --no-print-directory all
	@$(BUILD)/chidao batch -o out -f json,xml,xlsx,csv,ndjson samples/
	@ls out

# Everything: rule examples, unit tests, golden files, accuracy ratchets, the CLI
# under valgrind, the whole suite again under ASan+UBSan, and a short run of
# every fuzz target.  The suites are independent (each works in its own
# mktemp directory), so they run CHECK_JOBS at a time, each one's output
# printed whole when it ends; the time of each phase is printed after it.
CHECK_TESTS := rules-test unit golden cli accuracy schemas spreadsheet database batch-test template-test formats bad
CHECK_JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
check: test-deps
	@$(MAKE) --no-print-directory -j$(CHECK_JOBS) all unit-bins
	@t=$$(date +%s); $(MAKE) --no-print-directory -j$(CHECK_JOBS) --output-sync=target $(CHECK_TESTS) && \
	    echo "check: test suites passed in $$(($$(date +%s) - t)) s"
	@t=$$(date +%s); $(MAKE) --no-print-directory -j$(CHECK_JOBS) --output-sync=target valgrind asan fuzz-smoke && \
	    echo "check: valgrind, ASan+UBSan suites and fuzz smoke passed in $$(($$(date +%s) - t)) s"

unit-bins: $(TEST_BIN)

rules-test: $(BUILD)/chidao
	$(BUILD)/chidao rules test rules

unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; CHIDAO_RULES=rules $$t; done

golden: $(BUILD)/chidao
	@tests/golden.sh $(BUILD)/chidao

cli: $(BUILD)/chidao
	@tests/cli.sh $(BUILD)/chidao

regen: $(BUILD)/chidao
	@tests/golden.sh $(BUILD)/chidao --regen

accuracy: $(BUILD)/chidao
	@tests/accuracy.sh $(BUILD)/chidao $(SHARED)

# Every sample's XML against schemas/chidao.xsd, its JSON against
# schemas/chidao.schema.json.
schemas: $(BUILD)/chidao
	@tests/schemas.sh $(BUILD)/chidao

# The batch workbook read back with openpyxl.
spreadsheet: $(BUILD)/chidao
	@tests/spreadsheet.sh $(BUILD)/chidao

# The batch CSVs loaded into a throw-away PostgreSQL server.
database: $(BUILD)/chidao
	@tests/database.sh $(BUILD)/chidao

# Every sample in every input format and encoding gives the tasks of the
# original text (tests/formats/*.sh; fixtures made by tests/formats/make-fixtures).
formats: $(BUILD)/chidao
	@set -e; for t in tests/formats/*.sh; do [ -f "$$t" ] || continue; "$$t" $(BUILD)/chidao $(SHARED); done

# chidao batch: outputs, bad files, sharding, atomic writes.
batch-test: $(BUILD)/chidao
	@tests/batch.sh $(BUILD)/chidao

# Crafted hostile inputs (tests/bad/EXPECTED): bounded time and memory, exit code, reason.
bad: $(BUILD)/chidao
	@tests/bad.sh $(BUILD)/chidao

# chidao template derive / check / diff: the hand-checked verdict on the samples.
template-test: $(BUILD)/chidao
	@tests/template.sh $(BUILD)/chidao

# The CLI paths (extract in every format and reader, batch, check, diff, rules
# test) under valgrind, on this build: memory errors and definite leaks fail.
valgrind: $(BUILD)/chidao
	@tests/valgrind.sh $(BUILD)/chidao

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    build/asan/chidao unit-bins-asan
	@ASAN_OPTIONS=detect_leaks=1 $(MAKE) --no-print-directory BUILD=build/asan $(CHECK_TESTS)

unit-bins-asan: $(TEST_BIN)

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang, ASan and UBSan
# into build/fuzz/.  `make fuzz-smoke` (part of check) replays each target's
# regression inputs and fuzzes it for FUZZ_SECONDS; long runs:
#   tests/fuzz/run TARGET SECONDS CORPUS_DIR
FUZZ_TARGETS := text docx html pdf encoding rules
FUZZ_BIN     := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS ?= 8
# clang reports ICU's U8_NEXT (size_t index against int32_t length) as
# sign-compare inside the system header's macro, which gcc does not.
fuzz: test-deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" \
	    WARN='$(WARN) -Wno-sign-compare' $(FUZZ_BIN)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build/fuzz/libchidao.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(WARN) -Isrc $(PKG_CFLAGS) -o $@ $< build/fuzz/libchidao.a $(PKG_LIBS) -lpthread

fuzz-smoke: fuzz
	@set -e; for t in $(FUZZ_TARGETS); do tests/fuzz/run $$t $(FUZZ_SECONDS); done

# Throughput and peak memory of chidao batch against a floor program on the
# corpus derived from the seeds, optimised build (not part of check).
# BENCH_DOCS=20000 shows that peak memory does not grow with the batch.
BENCH_BUILD := build/release
bench: deps
	@$(MAKE) --no-print-directory BUILD=$(BENCH_BUILD) CFLAGS="-O2 -DNDEBUG" $(BENCH_BUILD)/chidao $(BENCH_BUILD)/floor
	@bench/run $(BENCH_BUILD) $(SHARED) $(BENCH_DOCS)

$(BENCH_BUILD)/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

BENCH_DOCS ?= 2000

clean:
	rm -rf build out
