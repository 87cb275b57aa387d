# ssrfill — one Makefile for the binary, the tests, the sanitizer build,
# the benchmarks and the demo.  Missing Debian packages are installed on
# first use (apt-get update once, then apt-get install), so a fresh machine
# needs nothing by hand.
#
#   make          the ./ssrfill binary (jemalloc, -O2)
#   make test     unit tests (cmocka) and end-to-end tests
#   make asan     the same tests under AddressSanitizer + UBSan (libc malloc)
#   make tsan     the threaded tests under ThreadSanitizer (libc malloc)
#   make demo     generate the built-in sample and run the main job on it
#   make bench    micro-benchmarks and the end-to-end comparison
#   make install  the binary, the man page and the bash completion under
#                 $(DESTDIR)$(PREFIX) (PREFIX=/usr/local); make uninstall
#   make version  print the version the build records
#   make clean

# The version `ssrfill --version` and summary.json say: `git describe` of
# the checkout when it has a tag, else VERSION followed by the commit
# ("1.0.0-g9084191", "-dirty" with uncommitted changes), else VERSION alone
# (a tarball).  git is asked only about this folder's own repository.
VERSION := 1.0.0
GIT_HERE := $(shell [ "$$(git -C $(CURDIR) rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && echo yes)
GIT_TAGGED := $(if $(GIT_HERE),$(shell git -C $(CURDIR) describe --tags --dirty 2>/dev/null))
GIT_REV := $(if $(GIT_HERE),$(shell git -C $(CURDIR) describe --always --dirty 2>/dev/null))
SSRFILL_VERSION := $(or $(GIT_TAGGED),$(VERSION)$(if $(GIT_REV),-g$(GIT_REV)))

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

CC      ?= cc
CXX     ?= c++
PKGS    := libjemalloc-dev libcsv-dev libzstd-dev libcmocka-dev libbenchmark-dev \
           libutf8proc-dev libinih-dev libicu-dev python3-icu pkg-config zstd time bc \
           libharfbuzz-dev libfontconfig-dev libcairo2-dev libpango1.0-dev libzint-dev zlib1g-dev \
           fonts-dejavu-core fonts-droid-fallback fonts-nanum \
           poppler-utils zbar-tools qpdf libicu-dev python3-icu libsqlite3-dev sqlite3 libssl-dev \
           mandoc
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
           -Wwrite-strings -Wformat=2 -Werror
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -g $(WARN) -MMD -MP -pthread $(PDF_CFLAGS) $(ICU_CFLAGS) \
              $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
# ssrfill writes the PDF documents itself with fonts HarfBuzz subsets and
# fontconfig finds; cairo and pango draw the few whose text needs shaping;
# zint encodes the barcodes.  pkg-config runs only once the packages are in
# (the first build installs them).
PDF_PC  := harfbuzz-subset harfbuzz fontconfig pangocairo cairo-pdf
PDF_CFLAGS = $(shell pkg-config --cflags $(PDF_PC) 2>/dev/null)
PDF_LIBS   = $(shell pkg-config --libs $(PDF_PC) 2>/dev/null) -lzint -lz
# ICU collates names (the print order's root collation).
ICU_PC  := icu-i18n icu-uc
ICU_CFLAGS = $(shell pkg-config --cflags $(ICU_PC) 2>/dev/null)
ICU_LIBS   = $(shell pkg-config --libs $(ICU_PC) 2>/dev/null)
# SQLite keeps the season's ledger (ledger/).
SQLITE_CFLAGS = $(shell pkg-config --cflags sqlite3 2>/dev/null)
SQLITE_LIBS   = $(shell pkg-config --libs sqlite3 2>/dev/null)
# OpenSSL's libcrypto computes the inputs' SHA-256 the ledger records
# (io/filehash.c; SPEC 5.1): none of the libraries above has SHA-256, and
# libcrypto is Debian's standard one, whose EVP digests use the CPU's SHA
# extensions.  Only libcrypto is linked, not libssl.
CRYPTO_CFLAGS = $(shell pkg-config --cflags libcrypto 2>/dev/null)
CRYPTO_LIBS   = $(shell pkg-config --libs libcrypto 2>/dev/null)
LIBS     = -lcsv -lzstd -lutf8proc -linih $(ICU_LIBS) $(PDF_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS) \
           -lm -pthread

MODE    ?= release
ifeq ($(MODE),asan)
BUILD   := build/asan
CFLAGS   = $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
LDFLAGS := -fsanitize=address,undefined
MALLOC  :=
else ifeq ($(MODE),tsan)
BUILD   := build/tsan
CFLAGS   = $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer -fsanitize=thread
LDFLAGS := -fsanitize=thread
MALLOC  :=
else ifeq ($(MODE),plain)
BUILD   := build/plain
CFLAGS   = $(CFLAGS_BASE) -O1
LDFLAGS :=
MALLOC  :=
else
BUILD   := build/release
CFLAGS   = $(CFLAGS_BASE) -O2
LDFLAGS :=
MALLOC  := -ljemalloc
endif

# The source folders, bottom layer first: each includes only folders before
# it in this list (tests/check_layers.sh checks; README.md "Where things
# are" says what each holds).
LAYERS  := base io gen sorter engine readers pdf writers ledger job
LIB_SRC := $(foreach d,$(LAYERS),$(wildcard $(d)/*.c))
CLI_SRC := $(wildcard cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
DEPS_STAMP := build/.deps-installed

ifneq ($(MODE),release)
BIN := $(BUILD)/ssrfill
else
BIN := ssrfill
endif

.PHONY: all test unit e2e asan tsan valgrind demo bench clean deps fuzz install uninstall version
all: $(BIN)

# The version is compiled into job/build_info.c alone; version.txt
# changes (and that object is rebuilt) only when the version does.
VERSION_FILE := $(BUILD)/version.txt
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(VERSION_FILE) 2>/dev/null)" = '$(SSRFILL_VERSION)' ] || \
	printf '%s\n' '$(SSRFILL_VERSION)' > $(VERSION_FILE); })
$(BUILD)/job/build_info.o: $(VERSION_FILE)
$(BUILD)/job/build_info.o: CFLAGS += -DSSRFILL_VERSION='"$(SSRFILL_VERSION)"'
version:
	@echo $(SSRFILL_VERSION)

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the man page
# (docs/ssrfill.1) and the bash completion (docs/ssrfill.bash-completion);
# make uninstall removes those three files and nothing else.
# INSTALL_BIN=/abs/path/ssrfill installs that binary as it is, built by no
# rule (tests/e2e_cli.sh installs the binary under test that way, so a
# source edited meanwhile does not rebuild it under the other tests).
INSTALL_BIN ?= $(BIN)
install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/ssrfill
	install -m 0644 docs/ssrfill.1 $(DESTDIR)$(MANDIR)/man1/ssrfill.1
	install -m 0644 docs/ssrfill.bash-completion $(DESTDIR)$(BASHCOMPDIR)/ssrfill
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ssrfill $(DESTDIR)$(MANDIR)/man1/ssrfill.1 $(DESTDIR)$(BASHCOMPDIR)/ssrfill

# $(call install_missing,PACKAGES): the recipe that installs those of the
# Debian packages that are missing (apt-get update once), then touches the
# target; as root, or through sudo.  fuzz.mk uses it too.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@mkdir -p build && touch $@
endef

# Install what is missing, once per build tree and again when this list changes.
$(DEPS_STAMP): Makefile
	$(call install_missing,$(PKGS))
deps: $(DEPS_STAMP)

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN): $(LIB_OBJ) $(CLI_OBJ)
	$(CC) $(LDFLAGS) $^ -o $@ $(LIBS) $(MALLOC)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) $^ -o $@ $(LIBS) -lcmocka $(MALLOC)

# The progress line's text (rate, ETA, width) is the cli's, tested alone.
$(BUILD)/tests/test_progress_line: $(BUILD)/tests/test_progress_line.o $(BUILD)/cli/progress_line.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) $^ -o $@ $(LIBS) -lcmocka $(MALLOC)

# The layer check, the unit tests, then the end-to-end tests on the built
# binary; `make unit` and `make e2e` run a part.  E2E_JOBS=2 runs two
# end-to-end scripts at a time, each one's output printed whole when it
# ends (tests/run_e2e.sh); the default is one after the other.
E2E_JOBS ?= 1
RUN_E2E = SSRFILL=$(abspath $(BIN)) SSRFILL_SANITIZED=$(filter asan,$(MODE)) \
	  bash tests/run_e2e.sh $(E2E_JOBS) $(sort $(wildcard tests/e2e*.sh))
test: $(BIN) $(TEST_BIN)
	@fail=0; BUILD=$(BUILD) bash tests/check_layers.sh || fail=1; \
	for t in $(TEST_BIN); do echo "== $$t"; $$t || fail=1; done; \
	$(RUN_E2E) || fail=1; \
	exit $$fail

unit: $(TEST_BIN)
	@fail=0; BUILD=$(BUILD) bash tests/check_layers.sh || fail=1; \
	for t in $(TEST_BIN); do echo "== $$t"; $$t || fail=1; done; exit $$fail

e2e: $(BIN)
	@$(RUN_E2E)

asan:
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 $(MAKE) MODE=asan test

# ThreadSanitizer over what shares data between threads: the sorter's
# worker (test_sorter's tests named *thread*) and the end-to-end runs in
# tests/tsan_runs.sh (spills, asynchronous writers, document workers,
# SIGTERM while they work).  Not every test: under TSan each run is several
# times slower, and single-threaded paths have nothing to race.  The first
# report ends the process with exit 66, which fails the target.
TSAN_OPTIONS_ALL := halt_on_error=1 exitcode=66 second_deadlock_stack=1
tsan:
	$(MAKE) MODE=tsan build/tsan/ssrfill build/tsan/tests/test_sorter build/tsan/tests/test_tmpfiles
	TSAN_OPTIONS="$(TSAN_OPTIONS_ALL)" build/tsan/tests/test_tmpfiles
	TSAN_OPTIONS="$(TSAN_OPTIONS_ALL)" build/tsan/tests/test_sorter '*thread*'
	TSAN_OPTIONS="$(TSAN_OPTIONS_ALL)" SSRFILL=$(abspath build/tsan/ssrfill) bash tests/tsan_runs.sh

# One end-to-end run (with spills, rejects, every document and a new ledger) under
# valgrind memcheck, on a build with libc malloc.
valgrind:
	$(MAKE) MODE=plain build/plain/ssrfill
	@command -v valgrind >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get install -y -qq valgrind; }
	@d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT; \
	build/plain/ssrfill gen --quiet --rows 9000 --seed 5 --bad-rows 0.01 --out $$d/s.csv --orders $$d/o.csv && \
	valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --quiet --suppressions=tests/valgrind.supp \
	  build/plain/ssrfill run --quiet --students $$d/s.csv --orders $$d/o.csv --out $$d/out --memory 1M --threads 2 \
	  --tmpdir $$d --ledger $$d/season.ledger && \
	valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --quiet --suppressions=tests/valgrind.supp \
	  build/plain/ssrfill sort --quiet --students $$d/s.csv --out $$d/sorted.csv --rejects $$d/r.csv --memory 1M \
	  --tmpdir $$d --max-reject-rate 1 && echo "valgrind: run and sort clean"

demo: $(BIN)
	@mkdir -p out
	./ssrfill gen --force --rows 60000 --seed 2019 --out out/demo_students.csv.zst --orders out/demo_orders.csv \
	  --leas out/demo_leas.csv
	./ssrfill run --students out/demo_students.csv.zst --orders out/demo_orders.csv --leas out/demo_leas.csv \
	  --out out/demo --force
	@lea=$$(ls -S out/demo/labels/august | head -1); lea=$${lea%.pdf}; \
	echo; echo "Demo output in out/demo (the LEA with the most boxes: $$lea):"; \
	echo "  packing list (PDF):         out/demo/packing/august/$$lea.pdf"; \
	echo "  box labels, 4x6 (PDF):      out/demo/labels/august/$$lea.pdf"; \
	echo "  invoice (PDF):              out/demo/invoices/$$lea.pdf"; \
	echo "  all invoices:               out/demo/invoices/invoices.csv"; \
	echo "  box manifests:              out/demo/manifests/august.csv"; \
	echo "  print stream:               out/demo/print/august.csv.zst (zstd -dc to read)"; \
	echo "  summary and reconciliation: out/demo/summary.json"; \
	echo "For the packing and shipping desks, one print job a shipment:"; \
	echo "  every August label (4x6):   out/demo/labels/august.pdf (winter.pdf, elpac.pdf)"; \
	echo "  every August packing list:  out/demo/packing/august.pdf"; \
	echo "  boxes, ship-to and weights: out/demo/shipping/august.csv (winter.csv, elpac.csv)"; \
	echo "  UPS batch import files:     out/demo/shipping/ups/ (250 boxes a file)"; \
	echo "  held (no ship-to address):  out/demo/shipping/held.csv"

BENCH_BIN := build/release/bench/micro_bench
$(BENCH_BIN): bench/micro_bench.cc $(LIB_OBJ) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE $< $(LIB_OBJ) -o $@ \
		-lbenchmark $(LIBS) $(MALLOC)

# Micro-benchmarks, then ssrfill against GNU sort on a 3,000,000-row file.
bench: ssrfill $(BENCH_BIN)
	$(BENCH_BIN) --benchmark_min_time=0.5
	bash bench/compare.sh

clean:
	rm -rf build ssrfill out

# `make -s print-VAR`: a variable's value (.ci/run reads FUZZ_TARGETS)
print-%:
	@echo $($*)

-include $(shell find build -name '*.d' 2>/dev/null)
include tests/fuzz/fuzz.mk
