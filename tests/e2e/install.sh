#!/usr/bin/env bash
# The installer image against a private Docker engine: build it once, then
# `docker run --rm -v DIR:/target nskit` into temporary host directories,
# the way a person installs nskit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/docker.sh"

docker_start "the installer image" || exit 0
pass "a private dockerd answers on its own socket"

work=$(mktemp -d /tmp/nskit-e2e.XXXXXX)
at_exit "rm -rf '$work'"
at_exit "grep -o ' $work/[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l"

listing() { find "$1" -mindepth 1 -printf '%f %y %m %s %i %l\n' | sort; }
temporaries() { find "$1" -name '*.nskit-new.*' | wc -l; }
fresh() { mktemp -d "$work/t.XXXXXX"; }
version_of() { grep -ao 'NSKIT-IDENTITY:[0-9A-Za-z.+_~-]*' "$1" | head -1 | cut -d: -f2; }
# The installer as a person runs it (an array: `expect` runs it through timeout, not a function).
installer=(docker run --rm --network none)
# The applets that get a link: every one `nskit --help` lists, less the installer's own.
mapfile -t linked < <("$NSKIT" --help | awk '/^Applets:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' |
    grep -vxE 'install|uninstall|export')
entries=$((1 + ${#linked[@]}))

if make_busybox_image nskit-test/busybox; then pass "a static busybox image"; else fail "a static busybox image" "docker import failed"; fi
if ! make_debian_image debian:bookworm-slim; then
    fail "the builder base image" "scripts/make-base-image failed"
    exit 0
fi
pass "the builder base image, made locally with debootstrap"

# -- the image ----------------------------------------------------------------------------------
commit=$(git -C "$TOP" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
created=$(TZ=UTC git -C "$TOP" show -s --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd HEAD)
start=$SECONDS
if ! docker_build --build-arg NSKIT_COMMIT="$commit" --build-arg NSKIT_VERSION="$(cat "$TOP/VERSION")" \
    --build-arg NSKIT_CREATED="$created" -t nskit "$TOP" >"$work/build.log" 2>&1; then
    fail "the image builds" "$(tail -5 "$work/build.log" | tr '\n' ' ')"
    exit 0
fi
pass "the image builds ($((SECONDS - start)) s)"
size=$(docker image inspect -f '{{.Size}}' nskit)
# The image is the binary alone: within the binary's 512 KiB ceiling.
if [ "$size" -le 524288 ]; then pass "the image is at most 512 KiB ($size bytes)"; else fail "the image is at most 512 KiB" "$size bytes"; fi
docker save nskit -o "$work/image.tar"
mkdir "$work/image" && tar -C "$work/image" -xf "$work/image.tar"
files=$(for layer in "$work"/image/*/layer.tar; do tar -tvf "$layer"; done)
same "the image holds exactly one file, /nskit, mode 0755" "$(echo "$files" | awk '{print $1, $6}')" "-rwxr-xr-x nskit"
same "the image runs /nskit install" "$(docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' nskit)" '["/nskit","install"] null'
expect "the image carries the OCI labels, created from the commit's date" --rc 0 --out "nskit $commit $created nskit" \
    -- docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.title"}} {{index .Config.Labels "org.opencontainers.image.revision"}} {{index .Config.Labels "org.opencontainers.image.created"}} {{index .Config.Labels "org.opencontainers.image.vendor"}}' nskit

# The same commit built by make in a clean copy of the sources: byte for byte the same binary.
mkdir "$work/make" && cp -r "$TOP/Makefile" "$TOP/VERSION" "$TOP/src" "$work/make/"
tar -C "$work" -xf "$work/image/$(cd "$work/image" && ls -d */layer.tar | head -1)" nskit
if make -s -j"$(nproc)" -C "$work/make" NSKIT_COMMIT="$commit" >"$work/make.log" 2>&1; then
    if cmp -s "$work/make/build/nskit" "$work/nskit"; then
        pass "the image's binary is byte-identical to make's"
    else
        # Byte identity needs the same compiler, C library and linker: when Debian has
        # moved on since this host installed its toolchain, say so instead of failing.
        toolchain="dpkg-query -W g++-12 gcc-12 musl-dev binutils | tr '\t\n' '= '"
        docker_build --target build --build-arg NSKIT_COMMIT="$commit" -t nskit-test/build "$TOP" >/dev/null 2>&1
        host_tools=$(sh -c "$toolchain")
        image_tools=$(docker run --rm --network none nskit-test/build sh -c "$toolchain")
        if [ "$host_tools" = "$image_tools" ]; then
            fail "the image's binary is byte-identical to make's" "they differ with the same toolchain: $host_tools"
        else
            skip "the image's binary is byte-identical to make's" \
                "the toolchains differ (host: $host_tools; image: $image_tools); upgrade the host's to compare"
        fi
    fi
else
    fail "the image's binary is byte-identical to make's" "make failed: $(tail -3 "$work/make.log")"
fi
# What the image installs, and what later cases compare against.
reference=$work/nskit
new=$(version_of "$reference")

# -- installing ---------------------------------------------------------------------------------
t=$(fresh)
expect "docker run -v DIR:/target nskit installs" --rc 0 \
    --out "$(printf 'installed     /target/nskit (nskit %s)\n' "$new"; printf 'installed     /target/%s -> nskit\n' "${linked[@]}"; echo "install: $entries installed in /target")" \
    -- "${installer[@]}" -v "$t:/target" nskit
expect "the installed nskit runs on the host" --rc 0 --out-has "(commit $commit," -- "$t/nskit" --version
same "the installed nsenter is a relative link" "$(readlink "$t/nsenter")" nskit
before=$(listing "$t")
expect "a second run changes nothing" --rc 0 --out-has "install: $entries unchanged in /target; nothing changed" \
    -- "${installer[@]}" -v "$t:/target" nskit
same "a second run leaves the same files" "$(listing "$t")" "$before"
expect "--dry-run through the image" --rc 0 --out-has "dry run, nothing changed" -- "${installer[@]}" -v "$t:/target" nskit --dry-run

# An older release, running while the image upgrades it (it waits for another directory's lock).
t=$(fresh) held=$(fresh)
perl -0777 -pe 's/(NSKIT-IDENTITY:[^+\n]*\+)([0-9a-zA-Z]+)/$1 . ("0" x length($2))/e' "$reference" >"$work/old"
chmod 755 "$work/old"
old=$(version_of "$work/old")
"$work/old" install "$t" >/dev/null
mkfifo "$work/release"
flock "$held" -c "echo locked >'$work/locked'; read _ <'$work/release'" &
at_exit "kill $!"
for _ in $(seq 1 200); do [ -s "$work/locked" ] && break; sleep 0.05; done
"$t/nskit" install "$held" >/dev/null 2>"$work/old.err" &
running=$!
for _ in $(seq 1 200); do grep -q waiting "$work/old.err" 2>/dev/null && break; sleep 0.05; done
expect "the old nskit is running" --rc 0 --out "$t/nskit" -- readlink "/proc/$running/exe"
expect "the image upgrades it in place, old -> new" --rc 0 \
    --out-has "upgraded      /target/nskit (nskit $old -> nskit $new)" -- "${installer[@]}" -v "$t:/target" nskit
expect "the running old nskit keeps its own inode" --rc 0 --out "$t/nskit (deleted)" -- readlink "/proc/$running/exe"
echo >"$work/release"
wait "$running"
same "the old nskit finishes normally after the upgrade" "$?" 0
same "the upgraded nskit is the new binary" "$(cmp "$reference" "$t/nskit" && echo same)" same

# A distribution's nsenter: left alone, then replaced with --force and kept as a backup.
t=$(fresh)
cp /usr/bin/nsenter "$t/nsenter"
foreign=$(listing "$t")
expect "a foreign nsenter is left alone" --rc 0 --out-has "skipped       /target/nsenter (not installed by nskit" \
    --err "warning: left /target/nsenter alone" -- "${installer[@]}" -v "$t:/target" nskit
same "the foreign nsenter is untouched" "$(listing "$t" | grep '^nsenter ')" "$foreign"
expect "--force replaces it" --rc 0 --out-has "replaced      /target/nsenter -> nskit (a different program kept as nsenter.nskit-backup)" \
    -- "${installer[@]}" -v "$t:/target" nskit --force
same "the backup is the distribution's nsenter" "$(cmp /usr/bin/nsenter "$t/nsenter.nskit-backup" && readlink "$t/nsenter")" nskit
expect "uninstall through the image" --rc 0 --out-has "restored      /target/nsenter" \
    -- "${installer[@]}" -v "$t:/target" --entrypoint /nskit nskit uninstall
same "uninstall leaves exactly what was there before" "$(listing "$t")" "$foreign"

# A foreign nskit: left alone, and no applet linked to it.
t=$(fresh)
printf '#!/bin/sh\necho mine\n' >"$t/nskit"
chmod 755 "$t/nskit"
before=$(listing "$t")
expect "a foreign nskit: the image installs no applet beside it" --rc 1 \
    --err "installed no applet beside /target/nskit: it is not nskit" -- "${installer[@]}" -v "$t:/target" nskit
same "...and leaves the directory as it was" "$(listing "$t")" "$before"

# -- failures -----------------------------------------------------------------------------------
t=$(fresh)
# Room for one binary (and a page to spare), not for its replacement beside it.
mount -t tmpfs -o size=$(( ($(stat -c %s "$work/old") / 4096 + 2) * 4096 )) nskit-full "$t"
"$work/old" install "$t" >/dev/null
before=$(listing "$t")
expect "a full target fails" --rc 1 --err "No space left on device" -- "${installer[@]}" -v "$t:/target" nskit
same "a full target keeps the old version" "$(listing "$t")" "$before"
same "a full target keeps the old bytes and no temporary file" "$(cmp "$work/old" "$t/nskit" && temporaries "$t")" 0
expect "the old version still runs" --rc 0 --out-has "nskit" -- "$t/nskit" --version
umount "$t"

t=$(fresh)
"$work/old" install "$t" >/dev/null
before=$(listing "$t")
expect "a read-only target fails" --rc 1 --err "Read-only file system" -- "${installer[@]}" -v "$t:/target:ro" nskit
same "a read-only target is as it was" "$(listing "$t")" "$before"

expect "no mount at /target: refused, with the right docker run line" --rc 1 \
    --err "docker run --rm -v /usr/local/bin:/target nskit" -- "${installer[@]}" nskit
printf 'FROM nskit\nWORKDIR /target\n' | docker_build -t nskit-test/with-target - >/dev/null 2>&1
expect "/target inside the image, not mounted: refused" --rc 1 --err "/target is not a mount point" \
    -- "${installer[@]}" nskit-test/with-target

# -- uninstall, export, air-gapped ----------------------------------------------------------------
t=$(fresh)
printf 'mine\n' >"$t/notes"
ln -s notes "$t/unshare-not-ours"
before=$(listing "$t")
"${installer[@]}" -v "$t:/target" nskit >/dev/null
expect "uninstall removes what was installed" --rc 0 --out-has "uninstall: $entries removed in /target" \
    -- "${installer[@]}" -v "$t:/target" --entrypoint /nskit nskit uninstall
same "after uninstall the directory is exactly as before" "$(listing "$t")" "$before"

docker run --rm --network none --entrypoint /nskit nskit export >"$work/exported"
same "export writes the binary to standard output" "$(cmp "$reference" "$work/exported" && echo same)" same

docker rmi -f nskit >/dev/null
docker load -i "$work/image.tar" >/dev/null
t=$(fresh)
expect "an image saved with docker save and loaded again installs" --rc 0 --out-has "$entries installed" \
    -- "${installer[@]}" -v "$t:/target" nskit

# -- install.sh, the command a person runs ----------------------------------------------------------
t=$(fresh)
share=$(fresh)
expect "install.sh --prefix DIR builds the image and installs" --rc 0 --out-has "$entries installed in /target" \
    --err "install.sh: man pages and completions: 14 files under $share" -- "$TOP/install.sh" --prefix "$t" --share "$share"
same "install.sh: the man pages and completions, where man, bash-completion, zsh and fish look" \
    "$(cd "$share" && find . -type f | sort | tr '\n' ' ')" \
    "./bash-completion/completions/docker-enter ./bash-completion/completions/nsenter ./bash-completion/completions/nskit \
./bash-completion/completions/unshare ./fish/vendor_completions.d/docker-enter.fish ./fish/vendor_completions.d/nsenter.fish \
./fish/vendor_completions.d/nskit.fish ./fish/vendor_completions.d/unshare.fish ./man/man1/docker-enter.1 \
./man/man1/nskit-install.1 ./man/man1/nskit-nsenter.1 ./man/man1/nskit-unshare.1 ./man/man1/nskit.1 ./zsh/site-functions/_nskit "
expect "... man reads them" --out-has "docker-enter - run a command in a running container" -- env MANWIDTH=120 man -l "$share/man/man1/docker-enter.1"
expect "install.sh --uninstall" --rc 0 --out-has "$entries removed in " -- "$TOP/install.sh" --prefix "$t" --share "$share" --uninstall
same "install.sh --uninstall leaves nothing" "$(ls -A "$t")" ""
same "... nor under --share" "$(find "$share" -type f)" ""

# -- the unit tests in the image's test stage ----------------------------------------------------
start=$SECONDS
if docker_build --target test --build-arg RUN_UNIT_TESTS=1 --build-arg NSKIT_COMMIT="$commit" \
    -t nskit-test/unit "$TOP" >"$work/unit.log" 2>&1 && grep -q "All tests passed" "$work/unit.log"; then
    pass "the unit tests pass in the image's test stage ($((SECONDS - start)) s)"
else
    fail "the unit tests pass in the image's test stage" "$(tail -5 "$work/unit.log" | tr '\n' ' ')"
fi

# -- the installed nsenter enters a running container --------------------------------------------
t=$(fresh)
"${installer[@]}" -v "$t:/target" nskit >/dev/null
if [ "$("$t/nsenter" -t $$ -n echo entered 2>/dev/null)" != entered ]; then
    skip "the installed nsenter enters a running container" "this build's nsenter applet is not there yet"
else
    id=$(docker run -d --network none nskit-test/busybox sleep 1000)
    pid=$(docker inspect -f '{{.State.Pid}}' "$id")
    kinds="mnt uts ipc net pid cgroup"
    want=$(for k in $kinds; do readlink "/proc/$pid/ns/$k"; done)
    expect "the installed nsenter enters a running container" --rc 0 --out "$want" \
        -- "$t/nsenter" -t "$pid" -a sh -c "for k in $kinds; do readlink /proc/self/ns/\$k; done"
fi

# -- the Docker CLI plugin, through the image ------------------------------------------------------
t=$(fresh); plugins=$(fresh)
expect "the image installs the docker enter plugin with --plugin-dir" --out-has "installed     /plugins/docker-enter (copy of nskit" \
    -- "${installer[@]}" -v "$t:/target" -v "$plugins:/plugins" nskit --plugin-dir /plugins
same "... a copy of the installed binary" "$(cmp -s "$t/nskit" "$plugins/docker-enter" && echo same)" same
expect "... and the image removes it" --out-has "removed       /plugins/docker-enter" \
    -- "${installer[@]}" -v "$t:/target" -v "$plugins:/plugins" --entrypoint /nskit nskit uninstall --plugin-dir /plugins /target
same "... leaving both directories empty" "$(ls -A "$t" "$plugins" | grep -v ':$' | grep -v '^$')" ""

# -- the toolbox image: docker-enter --tools's busybox ---------------------------------------------
start=$SECONDS
if ! docker_build --target tools --build-arg NSKIT_COMMIT="$commit" --build-arg NSKIT_VERSION="$(cat "$TOP/VERSION")" \
    -t nskit:tools "$TOP" >"$work/tools.log" 2>&1; then
    fail "the toolbox image builds" "$(tail -5 "$work/tools.log" | tr '\n' ' ')"
    exit 0
fi
pass "the toolbox image builds ($((SECONDS - start)) s)"
docker save nskit:tools -o "$work/tools.tar"
mkdir "$work/tools-image" && tar -C "$work/tools-image" -xf "$work/tools.tar"
tools_files=$(for layer in "$work"/tools-image/*/layer.tar; do tar -tf "$layer"; done | sort)
same "the toolbox image holds the toolbox and its installer, nothing else" \
    "$(echo "$tools_files" | grep -v -e '^toolbox/' -e '^install$')" ""
t=$(fresh)
expect "nskit:tools installs into DIR/tools" --out-has "tools -> .toolbox-" -- "${installer[@]}" -v "$t:/target" nskit:tools
applets=$("$t/tools/busybox" --list | grep -cvx busybox)
same "a link to busybox for each of its $applets applets" \
    "$(find "$t/tools/" -maxdepth 1 -type l -lname busybox | wc -l)" "$applets"
expect "the toolbox's busybox is static" --out-has "statically linked" -- file -L "$t/tools/busybox"
expect "its license ships with it" --out-has "GNU GENERAL PUBLIC LICENSE" -- head -3 "$t/tools/LICENSES/busybox/COPYING"
expect "its Debian source package and version are named" --out-has "built from the Debian source package busybox 1:" \
    -- cat "$t/tools/LICENSES/busybox/SOURCE"
expect "installed again: unchanged" --out-has "tools: unchanged" -- "${installer[@]}" -v "$t:/target" nskit:tools
id=$(docker run -d --network none nskit-test/busybox sleep 1000)
expect "docker-enter --tools uses it" --out "$(cat "$t/tools/.nskit-toolbox")" \
    -- "$NSKIT" docker-enter --tools="$t/tools" "$id" cat /.nskit/tools/.nskit-toolbox
docker rm -f "$id" >/dev/null
foreign=$(fresh)
mkdir "$foreign/tools" && echo mine >"$foreign/tools/mine"
before=$(listing "$foreign")
expect "a tools directory it did not make is left alone" --rc 1 --err "was not installed by nskit:tools" \
    -- "${installer[@]}" -v "$foreign:/target" nskit:tools
same "... unchanged" "$(listing "$foreign")" "$before"
expect "nskit:tools uninstall" --out-has "tools: removed" -- "${installer[@]}" -v "$t:/target" nskit:tools uninstall
same "uninstall leaves nothing" "$(ls -A "$t")" ""
