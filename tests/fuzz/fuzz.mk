# tests/fuzz/fuzz.mk: libFuzzer targets for the three inputs ssrfill parses
# (score reports, orders, configuration) and for the documents it draws
# from them (names through the PDF writers, cairo, pango and HarfBuzz).
# Included by the Makefile:
#
#   make fuzz-build     build/fuzz/fuzz_{students,orders,config,docs}
#   make fuzz           fuzz each for FUZZ_SECONDS (default 60), one after
#                       the other, on a copy of its seed corpus; one result
#                       line per target; fails if any finds a crash, a leak,
#                       a UBSan error or a broken invariant
#   make fuzz-regress   each target once over tests/fuzz/regressions/<t>/
#                       and its seed corpus (-runs=0): seconds, for CI
#
# The targets are built with clang, -fsanitize=fuzzer,address,undefined and
# libc malloc (no jemalloc: ASan brings its own allocator), compiling the
# library sources (the layers below job/ but ledger/) into
# build/fuzz/obj/ so they carry libFuzzer's coverage instrumentation.
# The PDF writers (FUZZ_PDF_SRC) go only into fuzz_docs, which links
# HarfBuzz, fontconfig, cairo, pango and zint as they are (uninstrumented).
# clang-14 and its fuzzer runtime (libclang-rt-14-dev) are installed with
# apt-get when missing, as the Makefile does for its own packages.

FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)

FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_TARGETS := students orders config docs
FUZZ_PKGS    := clang-14 libclang-rt-14-dev libcsv-dev libzstd-dev libutf8proc-dev libinih-dev \
                pkg-config libharfbuzz-dev libfontconfig-dev libcairo2-dev libpango1.0-dev libzint-dev \
                zlib1g-dev libicu-dev fonts-dejavu-core fonts-droid-fallback fonts-nanum libssl-dev
FUZZ_STAMP   := build/.fuzz-deps-installed
# `clang` when the clang package is there, else the versioned binary that
# clang-14 always installs; expanded when a recipe runs, after the install.
FUZZ_CC      ?= $(shell command -v clang >/dev/null 2>&1 && echo clang || echo clang-14)
FUZZ_SAN     := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# pkg-config runs when a recipe does, after the packages are installed
FUZZ_PDF_PC  := harfbuzz-subset harfbuzz fontconfig pangocairo cairo-pdf
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -std=c11 -D_GNU_SOURCE -pthread \
                -MMD -MP -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
                -Wwrite-strings -Wformat=2 $(shell pkg-config --cflags $(FUZZ_PDF_PC) icu-i18n icu-uc 2>/dev/null)
# libcrypto: io/filehash.c is in the library the fuzzers link (io/ is)
FUZZ_LIBS     = -lcsv -lzstd -lutf8proc -linih $(shell pkg-config --libs icu-i18n icu-uc libcrypto 2>/dev/null) \
                -lm -pthread
FUZZ_PDF_LIBS = $(shell pkg-config --libs $(FUZZ_PDF_PC) 2>/dev/null) -lzint -lz

# The Makefile's LIB_SRC but job/ (the fuzzers drive the layers below the
# job), taken here so this fragment does not depend on where it is
# included; the PDF writers only in fuzz_docs.  Not ledger/: no fuzzed
# input reaches it (it reads only the SQLite file ssrfill itself wrote),
# and leaving it out keeps SQLite out of the fuzzers' link.
FUZZ_PDF_SRC := $(wildcard pdf/*.c) writers/packing_pdf.c \
                writers/invoice_writer.c writers/doc_pool.c
FUZZ_LIB_SRC := $(filter-out $(FUZZ_PDF_SRC), $(foreach d,base io sorter engine readers pdf writers gen,$(wildcard $(d)/*.c)))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_PDF_OBJ := $(FUZZ_PDF_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BIN     := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-regress fuzz-deps

$(FUZZ_STAMP):
	$(call install_missing,$(FUZZ_PKGS))
fuzz-deps: $(FUZZ_STAMP)

# The fuzzers' own sources must be warning-free; the library is built with
# the same warnings but without -Werror, so a clang-only warning in code
# being edited does not stop the fuzzers.
$(FUZZ_DIR)/obj/tests/fuzz/%.o: FUZZ_WERROR := -Werror
$(FUZZ_DIR)/obj/%.o: %.c | $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_WERROR) -c $< -o $@

$(FUZZ_BIN): $(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) $^ -o $@ $(FUZZ_LIBS) $(FUZZ_EXTRA_LIBS)

$(FUZZ_DIR)/fuzz_docs: $(FUZZ_PDF_OBJ)
$(FUZZ_DIR)/fuzz_docs: FUZZ_EXTRA_LIBS = $(FUZZ_PDF_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@bash tests/fuzz/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-regress: fuzz-build
	@bash tests/fuzz/fuzz.sh regress $(FUZZ_TARGETS)

-include $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/tests/fuzz/*.d)

# Including this file must not change what a bare `make` builds.
.DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)
