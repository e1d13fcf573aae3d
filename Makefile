# nskit: one static, freestanding C++20 binary (musl, no libstdc++).
#
#   make            build/nskit, stripped and statically linked against musl
#   make ARCH=arm64 build/arm64/nskit, cross-built (arm64 armhf ppc64le s390x x86_64)
#   make test       every test (unit, integration, e2e): see tests/run
#   make unit       the Catch2 unit tests only (a hosted glibc build)
#   make bench      side-by-side figures, see bench/run
#   make release    binaries, images, SBOM and signed checksums in dist/ (scripts/release)
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

# ARCH names the target in Debian's words. A cross build uses Debian's cross
# compiler for it (g++-aarch64-linux-gnu ...) and musl-dev:ARCH, and goes to
# build/ARCH/; everything architecture-specific then comes from that target's
# own headers and compiler (syscall numbers, ioctl encodings, struct layouts).
HOST_ARCH  := $(patsubst aarch64,arm64,$(patsubst armv7l,armhf,$(shell uname -m)))
ARCH       ?= $(HOST_ARCH)
GNU_TRIPLE_x86_64  := x86_64-linux-gnu
GNU_TRIPLE_arm64   := aarch64-linux-gnu
GNU_TRIPLE_armhf   := arm-linux-gnueabihf
GNU_TRIPLE_ppc64le := powerpc64le-linux-gnu
GNU_TRIPLE_s390x   := s390x-linux-gnu
MUSL_TRIPLE := $(patsubst %-linux-gnueabihf,%-linux-musleabihf,$(GNU_TRIPLE_$(ARCH):%-linux-gnu=%-linux-musl))
ifeq ($(GNU_TRIPLE_$(ARCH)),)
  $(error ARCH=$(ARCH) is not one nskit builds for: x86_64 arm64 armhf ppc64le s390x)
endif
ifeq ($(ARCH),$(HOST_ARCH))
  BUILD    := build
else
  BUILD    := build/$(ARCH)
  ifeq ($(origin CXX),default)
    CXX    := $(GNU_TRIPLE_$(ARCH))-g++
  endif
  ifeq ($(origin CC),default)
    CC     := $(GNU_TRIPLE_$(ARCH))-gcc
  endif
endif
CXX        ?= g++
CC         ?= gcc
VERSION    := $(shell cat VERSION)
# The commit is part of the build identity; a Docker build has no .git and passes it in.
NSKIT_COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

MUSL_SPECS ?= /usr/lib/$(MUSL_TRIPLE)/musl-gcc.specs
MACHINE    := $(shell $(CXX) -dumpmachine 2>/dev/null)
# libstdc++'s header directories as this compiler searches them (native and
# cross compilers keep them in different places); the specs' -nostdinc drops them.
CXX_INCLUDES := $(shell $(CXX) -x c++ -E -v /dev/null 2>&1 >/dev/null | sed -n 's/^ \(.*\/c++\/[^ ]*\)$$/\1/p')

ifneq ($(findstring musl,$(MACHINE)),)
  TOOLCHAIN   := native-musl
  MUSL_FLAGS  :=
else ifneq ($(wildcard $(MUSL_SPECS)),)
  TOOLCHAIN   := debian-musl
  MUSL_FLAGS  := -specs $(MUSL_SPECS) $(CXX_INCLUDES:%=-isystem %) \
                 '-D__GLIBC_PREREQ(major,minor)=0'
else
  TOOLCHAIN   :=
endif

# -Oz (GCC 12+) where the compiler has it: smaller than -Os, and nothing in
# nskit is compute-bound.
SIZE_OPT := $(shell $(CXX) -Oz -x c++ -E /dev/null >/dev/null 2>&1 && echo -Oz || echo -Os)

SOURCES  := $(sort $(wildcard src/*.cpp src/*/*.cpp src/*/*/*.cpp))
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

.PHONY: all toolchain test unit bench man completions release clean
all: $(BUILD)/nskit

# Debian's name of each architecture, for the packages a cross build needs.
DEB_ARCH_x86_64 := amd64
DEB_ARCH_arm64 := arm64
DEB_ARCH_armhf := armhf
DEB_ARCH_ppc64le := ppc64el
DEB_ARCH_s390x := s390x
ifeq ($(ARCH),$(HOST_ARCH))
  TOOLCHAIN_PACKAGES := g++ musl-tools
else
  TOOLCHAIN_PACKAGES := g++-$(GNU_TRIPLE_$(ARCH)) musl-dev:$(DEB_ARCH_$(ARCH))
endif

toolchain:
	@command -v $(CXX) >/dev/null || { echo "make: $(CXX) not found (Debian: apt-get install $(TOOLCHAIN_PACKAGES))" >&2; exit 1; }
	@command -v $(CC) >/dev/null || { echo "make: $(CC) not found (Debian: apt-get install $(TOOLCHAIN_PACKAGES))" >&2; exit 1; }
	@test -n "$(TOOLCHAIN)" || { echo "make: no musl toolchain for $(ARCH): looked for $(MUSL_SPECS) (Debian: apt-get install $(TOOLCHAIN_PACKAGES)), or build on a musl system such as Alpine" >&2; exit 1; }

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

# The seccomp compiler alone, built and linked as nskit is, for tests/integration/seccomp.sh.
$(BUILD)/tests/seccomp-load: tests/tools/seccomp-load.cpp $(filter-out $(BUILD)/obj/main.o,$(OBJECTS)) Makefile $(if $(filter debian-musl,$(TOOLCHAIN)),$(PIE_SPECS)) | toolchain
	@mkdir -p $(dir $@)
	$(CXX) $(STATIC_FLAGS) -c $< -o $@.o
	$(CC) $(LINK_FLAGS) $@.o $(filter-out $(BUILD)/obj/main.o,$(OBJECTS)) -o $@

# The same with another syscall table in place of src/context/seccomp/syscall_tables.cpp:
# make build/tests/seccomp-load-with-table SECCOMP_TABLE=FILE (tests/tools/seccomp-runtime-table
# writes one of a runtime's libseccomp), so the compiler resolves names as that runtime does.
SECCOMP_LOAD_OBJECTS := $(filter-out $(BUILD)/obj/main.o $(BUILD)/obj/context/seccomp/syscall_tables.o,$(OBJECTS))
$(BUILD)/tests/seccomp-load-with-table: tests/tools/seccomp-load.cpp $(SECCOMP_TABLE) $(SECCOMP_LOAD_OBJECTS) Makefile $(if $(filter debian-musl,$(TOOLCHAIN)),$(PIE_SPECS)) | toolchain
	@test -n "$(SECCOMP_TABLE)" || { echo "make: $@ needs SECCOMP_TABLE=FILE" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(CXX) $(STATIC_FLAGS) -c $< -o $@.o
	$(CXX) $(STATIC_FLAGS) -x c++ -c $(SECCOMP_TABLE) -o $@.table.o
	$(CC) $(LINK_FLAGS) $@.o $@.table.o $(SECCOMP_LOAD_OBJECTS) -o $@

# The unit tests: the same sources (less main.cpp) built hosted, with glibc
# and exceptions for Catch2 in the test files only, under AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails the run). Clang when there is
# one: GCC's UBSan does not check the arguments of builtins such as memcpy.
HOSTED_CXX   ?= $(if $(shell command -v clang++ 2>/dev/null),clang++,$(CXX))
SANITIZE     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_RUN     :=
UNIT_LINK    :=
UNIT_INCLUDE :=
UNIT_WARN    :=
# Cross-built, they are linked statically against the target's glibc and run
# under qemu-user (qemu-user-static), without the sanitizers, which need more
# of the address space than qemu-user gives. Catch2 is one header, the same for
# every target; the cross compiler does not search /usr/include, so it gets a
# directory of its own. (-Wno-psabi: armhf's notes on how GCC 7 changed the
# passing of some arguments, which concern mixing objects of old compilers.)
ifneq ($(ARCH),$(HOST_ARCH))
  HOSTED_CXX   := $(CXX)
  SANITIZE     :=
  UNIT_WARN    := -Wno-psabi
  UNIT_LINK    := -static
  UNIT_INCLUDE := -isystem $(BUILD)/catch2-include
  QEMU_ARCH_x86_64 := x86_64
  QEMU_ARCH_arm64 := aarch64
  QEMU_ARCH_armhf := arm
  QEMU_ARCH_ppc64le := ppc64le
  QEMU_ARCH_s390x := s390x
  UNIT_RUN     := qemu-$(QEMU_ARCH_$(ARCH))-static
endif
HOSTED_FLAGS := $(COMMON_FLAGS) -O1 -g $(SANITIZE) $(UNIT_WARN)
TEST_SOURCES := $(sort $(wildcard tests/unit/*.cpp))
HOSTED_OBJS  := $(filter-out $(BUILD)/hosted/main.o,$(SOURCES:src/%.cpp=$(BUILD)/hosted/%.o))
TEST_OBJS    := $(TEST_SOURCES:tests/unit/%.cpp=$(BUILD)/unit/%.o)

$(BUILD)/hosted/%.o: src/%.cpp
	@mkdir -p $(dir $@)
	@echo "  CXX  $< (hosted)"; $(HOSTED_CXX) $(HOSTED_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/unit/%.o: tests/unit/%.cpp
	@test -f /usr/include/catch2/catch.hpp || { echo "make: Catch2 not found: apt-get install catch2" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@mkdir -p $(BUILD)/catch2-include && ln -sfn /usr/include/catch2 $(BUILD)/catch2-include/catch2
	$(HOSTED_CXX) -std=c++20 -Isrc -Itests/unit $(UNIT_INCLUDE) -O1 -g $(SANITIZE) $(UNIT_WARN) -MMD -MP -c $< -o $@

$(BUILD)/unit-tests: $(HOSTED_OBJS) $(TEST_OBJS)
	$(HOSTED_CXX) $(SANITIZE) $(UNIT_LINK) $^ -o $@

unit: $(BUILD)/unit-tests
	$(UNIT_RUN) $(BUILD)/unit-tests

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

# A release of the commit checked out, every architecture, in dist/: see scripts/release.
release:
	scripts/release

clean:
	rm -rf $(BUILD)

-include $(OBJECTS:.o=.d) $(HOSTED_OBJS:.o=.d) $(TEST_OBJS:.o=.d)
