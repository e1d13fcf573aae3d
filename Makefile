# nskit: one static, freestanding C++20 binary (musl, no libstdc++).
#
#   make            build/nskit, stripped and statically linked against musl
#   make test       every test (unit, integration, e2e): see tests/run
#   make unit       the Catch2 unit tests only (a hosted glibc build)
#   make bench      side-by-side figures, see bench/run
#   make clean
#
# Two toolchains are supported. On Debian, g++ with musl-tools' specs file
# compiles against musl's headers; libstdc++'s header-only parts come from
# g++'s own include directories, and their glibc-minded config header asks
# __GLIBC_PREREQ, which we define as 0 (src/base/cxx_shim.cpp has the rest).
# On a native musl toolchain (Alpine) plain g++ already does the right thing.
# Either way the link is done by gcc, so no C++ runtime library is pulled in.
#
# The binary runs as root against hostile input, so it is hardened: a
# static PIE (ASLR), -fstack-protector-strong (musl seeds the canary from
# AT_RANDOM), full RELRO and separate code. Debian's musl-gcc.specs knows
# nothing of -static-pie (it starts with Scrt1.o and names a dynamic linker),
# so the link uses a copy of it with rcrt1.o, musl's self-relocating start,
# and the static-pie linker flags in their place: $(BUILD)/musl-static-pie.specs.

CXX        ?= g++
CC         ?= gcc
BUILD      := build
VERSION    := $(shell cat VERSION)
# The commit is part of the build identity; a Docker build has no .git and passes it in.
NSKIT_COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

MUSL_SPECS ?= /usr/lib/x86_64-linux-musl/musl-gcc.specs
GCC_MAJOR  := $(shell $(CXX) -dumpversion 2>/dev/null | cut -d. -f1)
MACHINE    := $(shell $(CXX) -dumpmachine 2>/dev/null)

ifneq ($(findstring musl,$(MACHINE)),)
  TOOLCHAIN   := native-musl
  MUSL_FLAGS  :=
else ifneq ($(wildcard $(MUSL_SPECS)),)
  TOOLCHAIN   := debian-musl
  MUSL_FLAGS  := -specs $(MUSL_SPECS) \
                 -isystem /usr/include/c++/$(GCC_MAJOR) \
                 -isystem /usr/include/$(MACHINE)/c++/$(GCC_MAJOR) \
                 '-D__GLIBC_PREREQ(major,minor)=0'
else
  TOOLCHAIN   :=
endif

# -Oz (GCC 12+) where the compiler has it: smaller than -Os, and nothing in
# nskit is compute-bound.
SIZE_OPT := $(shell $(CXX) -Oz -x c++ -E /dev/null >/dev/null 2>&1 && echo -Oz || echo -Os)

SOURCES  := $(sort $(wildcard src/*.cpp src/*/*.cpp))
OBJECTS  := $(SOURCES:src/%.cpp=$(BUILD)/obj/%.o)

COMMON_FLAGS := -std=c++20 -Isrc -Wall -Wextra -Wno-missing-field-initializers \
                -fno-exceptions -fno-rtti -fno-threadsafe-statics \
                -ffile-prefix-map=$(CURDIR)=. \
                -DNSKIT_VERSION='"$(VERSION)"' -DNSKIT_COMMIT='"$(NSKIT_COMMIT)"'
STATIC_FLAGS := $(COMMON_FLAGS) $(MUSL_FLAGS) -DNSKIT_FREESTANDING $(SIZE_OPT) -fPIE \
                -fno-asynchronous-unwind-tables -fno-unwind-tables -fstack-protector-strong \
                -ffunction-sections -fdata-sections -fno-ident \
                -fomit-frame-pointer -flto
PIE_SPECS    := $(BUILD)/musl-static-pie.specs
LINK_FLAGS   := $(SIZE_OPT) -flto -flto-partition=one $(if $(filter debian-musl,$(TOOLCHAIN)),-specs $(PIE_SPECS),-static-pie) \
                -s -Wl,--gc-sections -Wl,--hash-style=gnu -Wl,--build-id=none \
                -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,-z,separate-code

.PHONY: all toolchain test unit bench man completions clean
all: $(BUILD)/nskit

toolchain:
	@command -v $(CXX) >/dev/null || { echo "make: $(CXX) not found: install g++ (Debian: apt-get install g++ musl-tools)" >&2; exit 1; }
	@command -v $(CC) >/dev/null || { echo "make: $(CC) not found: install gcc" >&2; exit 1; }
	@test -n "$(TOOLCHAIN)" || { echo "make: no musl toolchain: install musl-tools (Debian: apt-get install musl-tools; looked for $(MUSL_SPECS)) or build on a musl system such as Alpine" >&2; exit 1; }

$(BUILD)/obj/%.o: src/%.cpp | toolchain
	@mkdir -p $(dir $@)
	@echo "  CXX  $<"; $(CXX) $(STATIC_FLAGS) -MMD -MP -c $< -o $@

# Every object sees the version and commit (-D above): rebuild them when either
# changes, or an installed binary would carry a stale identity.
$(BUILD)/identity: FORCE
	@mkdir -p $(BUILD)
	@echo '$(VERSION)+$(NSKIT_COMMIT)' | cmp -s - $@ || echo '$(VERSION)+$(NSKIT_COMMIT)' >$@
$(OBJECTS) $(HOSTED_OBJS): $(BUILD)/identity
# ...and when the flags here change.
$(OBJECTS) $(HOSTED_OBJS) $(TEST_OBJS): Makefile
FORCE:

$(PIE_SPECS): $(MUSL_SPECS)
	@mkdir -p $(BUILD)
	sed -e 's|/Scrt1\.o|/rcrt1.o|' -e 's|-dynamic-linker [^ ]*|-static -pie --no-dynamic-linker -z text|' $< >$@

$(BUILD)/nskit: $(OBJECTS) $(if $(filter debian-musl,$(TOOLCHAIN)),$(PIE_SPECS)) | toolchain
	$(CC) $(LINK_FLAGS) $(OBJECTS) -o $@.tmp
	mv $@.tmp $@

# A program built exactly as nskit is, for tests/integration/hardening.sh.
$(BUILD)/tests/stack-smash: tests/tools/stack-smash.cpp Makefile $(if $(filter debian-musl,$(TOOLCHAIN)),$(PIE_SPECS)) | toolchain
	@mkdir -p $(dir $@)
	$(CXX) $(STATIC_FLAGS) -c $< -o $@.o
	$(CC) $(LINK_FLAGS) $@.o -o $@

# The unit tests: the same sources (less main.cpp) built hosted, with glibc
# and exceptions for Catch2 in the test files only, under AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails the run). Clang when there is
# one: GCC's UBSan does not check the arguments of builtins such as memcpy.
HOSTED_CXX   ?= $(if $(shell command -v clang++ 2>/dev/null),clang++,$(CXX))
SANITIZE     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOSTED_FLAGS := $(COMMON_FLAGS) -O1 -g $(SANITIZE)
TEST_SOURCES := $(sort $(wildcard tests/unit/*.cpp))
HOSTED_OBJS  := $(filter-out $(BUILD)/hosted/main.o,$(SOURCES:src/%.cpp=$(BUILD)/hosted/%.o))
TEST_OBJS    := $(TEST_SOURCES:tests/unit/%.cpp=$(BUILD)/unit/%.o)

$(BUILD)/hosted/%.o: src/%.cpp
	@mkdir -p $(dir $@)
	@echo "  CXX  $< (hosted)"; $(HOSTED_CXX) $(HOSTED_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/unit/%.o: tests/unit/%.cpp
	@test -f /usr/include/catch2/catch.hpp || { echo "make: Catch2 not found: apt-get install catch2" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(HOSTED_CXX) -std=c++20 -Isrc -Itests/unit -O1 -g $(SANITIZE) -MMD -MP -c $< -o $@

$(BUILD)/unit-tests: $(HOSTED_OBJS) $(TEST_OBJS)
	$(HOSTED_CXX) $(SANITIZE) $^ -o $@

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

test:
	tests/run

bench: $(BUILD)/nskit
	bench/run

# The man pages and shell completions, from the binary's own --help
# (scripts/gen-man, scripts/gen-completions; they need python3).
man: $(BUILD)/nskit
	scripts/gen-man $(BUILD)/nskit $(BUILD)/man

completions: $(BUILD)/nskit
	scripts/gen-completions $(BUILD)/nskit $(BUILD)/completions

clean:
	rm -rf $(BUILD)

-include $(OBJECTS:.o=.d) $(HOSTED_OBJS:.o=.d) $(TEST_OBJS:.o=.d)
