#!/usr/bin/env bash
# nskit install / uninstall / export on the host, without Docker: real
# directories, a full tmpfs, a read-only bind mount, a directory we may not
# write, two installers at once, an unmounted /target in a chroot.
. "$(dirname "$0")/../lib.sh"

work=$(mktemp -d /tmp/nskit-install.XXXXXX)
at_exit "rm -rf '$work'"
at_exit "grep -o ' $work/[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l"

# The version the binary under test identifies as, read from its bytes.
version_of() { grep -ao 'NSKIT-IDENTITY:[0-9A-Za-z.+_~-]*' "$1" | head -1 | cut -d: -f2; }
new=$(version_of "$NSKIT")
# An "older release": the same binary with the commit in its identity zeroed
# (same length, so it still runs).
old_binary=$work/old-nskit
perl -0777 -pe 's/(NSKIT-IDENTITY:[^+\n]*\+)([0-9a-zA-Z]+)/$1 . ("0" x length($2))/e' "$NSKIT" >"$old_binary"
chmod 755 "$old_binary"
old=$(version_of "$old_binary")

# Everything about a directory's entries a change would show: name, type, mode, size, inode, link.
listing() { find "$1" -mindepth 1 -printf '%f %y %m %s %i %l\n' | sort; }
temporaries() { find "$1" -name '*.nskit-new.*' | wc -l; }
fresh() { local d; d=$(mktemp -d "$work/t.XXXXXX"); echo "$d"; }
# hold_lock DIR MARK: take DIR's lock in the background until $work/release
# (a fifo) is written, and return once it is held.
hold_lock() {
    flock "$1" -c "echo locked >'$work/$2'; read _ <'$work/release'" &
    at_exit "kill $!"
    for _ in $(seq 1 200); do [ -s "$work/$2" ] && break; sleep 0.05; done
}
# wait_for_waiting FILE: until an installer writes to FILE that it waits for the lock.
wait_for_waiting() { for _ in $(seq 1 200); do grep -q waiting "$1" 2>/dev/null && break; sleep 0.05; done; }

# The applets that get a link: every one `nskit --help` lists, less the installer's own.
mapfile -t linked < <("$NSKIT" --help | awk '/^Applets:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' |
    grep -vxE 'install|uninstall|export')
entries=$((1 + ${#linked[@]}))
# What install prints for a directory: VERB for nskit and each link, then the summary.
lines() {  # lines VERB DIR SUMMARY
    printf '%-14s%s/nskit (nskit %s)\n' "$1" "$2" "$new"
    local a
    for a in "${linked[@]}"; do printf '%-14s%s/%s -> nskit\n' "$1" "$2" "$a"; done
    printf '%s' "$3"
}
everything=$(printf '%s\n' nskit "${linked[@]}" | sort | tr '\n' ' ')

# -- first install, idempotence, what is there -----------------------------------------------------
t=$(fresh)
expect "install into an empty directory" --rc 0 \
    --out "$(lines installed "$t" "install: $entries installed in $t")" \
    -- "$NSKIT" install "$t"
same "the installed nskit is the running binary" "$(cmp "$NSKIT" "$t/nskit" && echo same)" same
same "the installed nskit has mode 0755" "$(stat -c %a "$t/nskit")" 755
same "nsenter is a relative link to nskit" "$(readlink "$t/nsenter")" nskit
expect "the installed nskit runs" --rc 0 --out-has "nskit " -- "$t/nskit" --version
before=$(listing "$t")
expect "a second install changes nothing and says so" --rc 0 \
    --out "$(lines unchanged "$t" "install: $entries unchanged in $t; nothing changed")" \
    -- "$NSKIT" install "$t"
same "a second install leaves the same inodes" "$(listing "$t")" "$before"
expect "uninstall removes what install put there" --rc 0 --out-has "uninstall: $entries removed in $t" \
    -- "$NSKIT" uninstall "$t"
same "uninstall leaves the directory empty" "$(ls -A "$t")" ""

# -- dry run, choice of applets, copies ------------------------------------------------------------
t=$(fresh)
expect "--dry-run says what it would do" --rc 0 \
    --out "$(lines 'would install' "$t" "install: dry run, nothing changed: $entries to install in $t")" \
    -- "$NSKIT" install --dry-run "$t"
same "--dry-run writes nothing" "$(ls -A "$t")" ""
expect "--applets '' installs the binary alone" --rc 0 --out-has "1 installed" -- "$NSKIT" install --applets '' "$t"
same "--applets '' made no link" "$(ls -A "$t")" nskit
expect "--applets names an applet that is not installable" --rc 1 --err "install: --applets export: not an applet nskit installs" \
    -- "$NSKIT" install --applets nsenter,export "$t"
expect "--copies turns the link into a copy" --rc 0 --out-has "installed     $t/nsenter (copy of nskit $new)" \
    -- "$NSKIT" install --copies "$t"
same "the copy is the binary, mode 0755" "$(cmp "$NSKIT" "$t/nsenter" && stat -c %a "$t/nsenter")" 755
expect "links again after copies" --rc 0 --out-has "upgraded      $t/nsenter -> nskit (was a copy of nskit $new)" \
    -- "$NSKIT" install "$t"
expect "too many arguments" --rc 1 --err "too many arguments" -- "$NSKIT" install "$t" "$t"
expect "an unknown option" --rc 1 --err "install: --bogus: unrecognized option" -- "$NSKIT" install --bogus "$t"
expect "install --help" --rc 0 --out-has "--copies" -- "$NSKIT" install --help
expect "a directory that does not exist" --rc 1 --err "install: cannot open $work/nope: No such file or directory" \
    -- "$NSKIT" install "$work/nope"

# -- upgrades, foreign files ----------------------------------------------------------------------
t=$(fresh)
"$old_binary" install "$t" >/dev/null
expect "a newer binary upgrades in place, old -> new" --rc 0 \
    --out-has "upgraded      $t/nskit (nskit $old -> nskit $new)" -- "$NSKIT" install "$t"
same "the upgrade is the new binary" "$(cmp "$NSKIT" "$t/nskit" && echo same)" same

t=$(fresh)
printf '#!/bin/sh\necho distribution nsenter\n' >"$t/nsenter"; chmod 755 "$t/nsenter"
foreign=$(listing "$t")
expect "a foreign nsenter is skipped with a warning" --rc 0 \
    --out-has "skipped       $t/nsenter (not installed by nskit: a different program; --force replaces it and keeps a backup)" \
    --err "install: warning: left $t/nsenter alone" -- "$NSKIT" install "$t"
same "the foreign nsenter is untouched" "$(listing "$t" | grep '^nsenter ')" "$(echo "$foreign" | grep '^nsenter ')"
expect "--force replaces it and keeps a backup" --rc 0 \
    --out-has "replaced      $t/nsenter -> nskit (a different program kept as nsenter.nskit-backup)" \
    -- "$NSKIT" install --force "$t"
same "the backup is the foreign file itself" "$(listing "$t" | grep '^nsenter.nskit-backup ' | cut -d' ' -f2-)" \
    "$(echo "$foreign" | grep '^nsenter ' | cut -d' ' -f2-)"
expect "uninstall puts the backup back" --rc 0 --out-has "restored      $t/nsenter (from nsenter.nskit-backup" \
    -- "$NSKIT" uninstall "$t"
same "after uninstall only the foreign nsenter is left, as it was" "$(listing "$t")" "$foreign"

t=$(fresh)
mkdir "$t/nsenter"
expect "a directory in the way is never replaced, even with --force" --rc 0 --out-has "skipped       $t/nsenter (not installed by nskit: a directory; never replaced)" \
    -- "$NSKIT" install --force "$t"
ln -s /usr/bin/nsenter "$t/nsenter2"
t=$(fresh)
ln -s /usr/bin/nsenter "$t/nsenter"
expect "a link to another program is foreign" --rc 0 --out-has "not installed by nskit: a link to another program" \
    -- "$NSKIT" install "$t"
same "the foreign link is untouched" "$(readlink "$t/nsenter")" /usr/bin/nsenter

t=$(fresh)
touch "$t/other" "$t/nsenter.nskit-backup"
printf 'foreign\n' >"$t/nsenter"
expect "--force refuses to overwrite an earlier backup" --rc 1 --err "cannot keep a backup of $t/nsenter as nsenter.nskit-backup: File exists" \
    -- "$NSKIT" install --force "$t"
same "...and leaves nsenter as it was, no temporary file" "$(cat "$t/nsenter"):$(temporaries "$t")" foreign:0
expect "...and --dry-run says it would fail the same way" --rc 1 --err "cannot keep a backup of $t/nsenter as nsenter.nskit-backup: File exists" \
    -- "$NSKIT" install --force --dry-run "$t"

# -- only nskit's own files count as nskit ---------------------------------------------------------
# A foreign nskit (a script, a directory, a link elsewhere, a loop): left alone, and no applet
# is put beside it (a link would run it), with a failing exit status.
for kind in script directory link loop; do
    t=$(fresh)
    case $kind in
        script) printf '#!/bin/sh\necho mine\n' >"$t/nskit"; chmod 755 "$t/nskit" ;;
        directory) mkdir "$t/nskit" ;;
        link) ln -s /opt/x/nskit "$t/nskit" ;;
        loop) ln -s nskit "$t/nskit" ;;
    esac
    before=$(listing "$t")
    expect "a foreign nskit ($kind) is skipped and no applet is installed" --rc 1 \
        --out-has "skipped       $t/nskit (not installed by nskit" --err "install: installed no applet beside $t/nskit: it is not nskit" \
        -- "$NSKIT" install "$t"
    same "...the directory is as it was ($kind)" "$(listing "$t")" "$before"
    expect "...with --copies too ($kind)" --rc 1 --err "installed no applet beside" -- "$NSKIT" install --copies "$t"
    same "...still as it was ($kind)" "$(listing "$t")" "$before"
done
t=$(fresh)
printf '#!/bin/sh\necho mine\n' >"$t/nskit"; chmod 755 "$t/nskit"; foreign=$(listing "$t")
expect "--force replaces a foreign nskit, keeping it" --rc 0 --out-has "replaced      $t/nskit (nskit $new) (a different program kept as nskit.nskit-backup)" \
    -- "$NSKIT" install --force "$t"
expect "...and uninstall puts it back" --rc 0 --out-has "restored      $t/nskit" -- "$NSKIT" uninstall "$t"
same "...as it was" "$(listing "$t")" "$foreign"

# Links that look like ours but are not "-> nskit" exactly, and a script quoting the identity.
t=$(fresh)
"$NSKIT" install --applets '' "$t" >/dev/null
ln -s /opt/x/nskit "$t/nsenter"
ln -s ./nskit "$t/unshare"
before=$(listing "$t" | grep -v '^nskit ')
expect "a link to another nskit is foreign" --rc 0 --out-has "skipped       $t/nsenter (not installed by nskit: a link to another program" \
    -- "$NSKIT" install --applets nsenter "$t"
expect "a link to ./nskit is foreign" --rc 0 --out-has "skipped       $t/unshare (not installed by nskit: a link to another program" \
    -- "$NSKIT" install --applets unshare "$t"
expect "uninstall leaves the look-alike links" --rc 0 --out-has "uninstall: 2 skipped, 1 removed in $t" -- "$NSKIT" uninstall "$t"
same "...exactly as they were" "$(listing "$t")" "$before"
t=$(fresh)
printf '#!/bin/sh\n# NSKIT-IDENTITY:%s\necho mine\n' "$new" >"$t/nsenter"; chmod 755 "$t/nsenter"
before=$(listing "$t")
expect "a script carrying the identity string is foreign" --rc 0 \
    --out-has "skipped       $t/nsenter (not installed by nskit: a different program" \
    -- "$NSKIT" install --copies --applets nsenter "$t"
expect "...and uninstall leaves it" --rc 0 --out-has "uninstall: 1 skipped, 1 removed in $t" -- "$NSKIT" uninstall "$t"
same "...exactly as it was" "$(listing "$t")" "$before"

# -- small things ----------------------------------------------------------------------------------
t=$(fresh)
expect "--applets names an applet once, once" --rc 0 --out "$(printf 'would install %s/nskit (nskit %s)\nwould install %s/nsenter -> nskit\ninstall: dry run, nothing changed: 2 to install in %s' "$t" "$new" "$t" "$t")" \
    -- "$NSKIT" install -n --applets 'nsenter, nsenter' "$t"
expect "a bad option points at nskit install --help" --rc 1 --err "install: try 'nskit install --help'" -- "$NSKIT" install --bogus
# A later release (the same binary, its version's digits made nines) is downgraded, and said so.
perl -0777 -pe 's/(NSKIT-IDENTITY:)([0-9.]+)\+/$1 . ($2 =~ tr|0-8|9|r) . "+"/e' "$NSKIT" >"$t/nskit"
chmod 755 "$t/nskit"
later=$(version_of "$t/nskit")
expect "an installed later release is downgraded, and said so" --rc 0 --out-has "downgraded    $t/nskit (nskit $later -> nskit $new)" \
    -- "$NSKIT" install --applets '' "$t"
# A --force backup whose entry went missing is put back by uninstall.
t=$(fresh)
printf 'foreign\n' >"$t/unshare"
"$NSKIT" install --force "$t" >/dev/null
rm "$t/unshare"
expect "uninstall puts back a backup whose entry is gone" --rc 0 --out-has "restored      $t/unshare (from unshare.nskit-backup" \
    -- "$NSKIT" uninstall "$t"
same "...and only it is left" "$(ls -A "$t"):$(cat "$t/unshare")" "unshare:foreign"

# -- an old binary that is running while it is upgraded ---------------------------------------------
t=$(fresh) held=$(fresh)
"$old_binary" install "$t" >/dev/null
# The old binary waits for the lock of another directory, so it is running for as long as we hold that lock.
mkfifo "$work/release"
hold_lock "$held" locked
"$t/nskit" install "$held" >"$work/old.out" 2>"$work/old.err" &
running=$!
wait_for_waiting "$work/old.err"
expect "the old binary is running (waiting for a lock)" --rc 0 --out "$t/nskit" -- readlink "/proc/$running/exe"
expect "upgrade while the old binary runs" --rc 0 --out-has "upgraded      $t/nskit (nskit $old -> nskit $new)" \
    -- "$NSKIT" install "$t"
expect "the running process keeps the old, now unlinked, binary" --rc 0 --out "$t/nskit (deleted)" -- readlink "/proc/$running/exe"
echo >"$work/release"
wait "$running"
same "the old binary finished its own install normally" "$?" 0
same "the new binary is in place" "$(cmp "$NSKIT" "$t/nskit" && echo same)" same

# -- failures leave the previous version intact and no temporary file -------------------------------
if need_root "a full filesystem"; then
    t=$(fresh)
    # Room for one binary (and a page to spare), not for its replacement beside it.
    mount -t tmpfs -o size=$(( ($(stat -c %s "$old_binary") / 4096 + 2) * 4096 )) nskit-full "$t"
    "$old_binary" install "$t" >/dev/null
    before=$(listing "$t")
    expect "an upgrade on a full filesystem fails" --rc 1 --err "No space left on device" -- "$NSKIT" install "$t"
    same "a full filesystem keeps the old version" "$(listing "$t")" "$before"
    same "a full filesystem keeps the old bytes" "$(cmp "$old_binary" "$t/nskit" && echo same)" same
    same "a full filesystem leaves no temporary file" "$(temporaries "$t")" 0
    expect "the old version still runs" --rc 0 --out-has "nskit" -- "$t/nskit" --version
    umount "$t"
fi

if need_root "a read-only directory"; then
    t=$(fresh)
    "$old_binary" install "$t" >/dev/null
    before=$(listing "$t")
    mount --bind "$t" "$t" && mount -o remount,ro,bind "$t"
    expect "an upgrade into a read-only directory fails" --rc 1 --err "Read-only file system" -- "$NSKIT" install "$t"
    expect "a dry run into a read-only directory works" --rc 0 --out-has "would upgrade" -- "$NSKIT" install -n "$t"
    expect "uninstall from a read-only directory names the file" --rc 1 --err "uninstall: cannot remove $t/nsenter: Read-only file system" \
        -- "$NSKIT" uninstall "$t"
    umount "$t"
    same "a read-only directory is as it was" "$(listing "$t")" "$before"
    same "a read-only directory has no temporary file" "$(temporaries "$t")" 0
fi

if need_root "a directory we may not write" && need_cmd "a directory we may not write" setpriv; then
    t=$(fresh)
    chmod 755 "$work" "$t"
    cp "$NSKIT" "$work/nskit-for-nobody" && chmod 755 "$work/nskit-for-nobody"
    expect "installing without permission fails" --rc 1 --err "Permission denied" \
        -- setpriv --reuid=65534 --regid=65534 --clear-groups "$work/nskit-for-nobody" install "$t"
    same "no permission: nothing was written" "$(ls -A "$t")" ""
    "$NSKIT" install "$t" >/dev/null
    before=$(listing "$t")
    expect "uninstalling without permission fails" --rc 1 --err "cannot remove $t/nsenter: Permission denied" \
        -- setpriv --reuid=65534 --regid=65534 --clear-groups "$work/nskit-for-nobody" uninstall "$t"
    same "...and changes nothing" "$(listing "$t")" "$before"
fi

# -- killed, or failing, between writing and renaming ------------------------------------------------
# Fault injection with strace: SIGKILL at the Nth rename, an error at a write, a short read-back.
if need_cmd "fault injection" strace; then
    for n in 1 2; do
        t=$(fresh)
        "$old_binary" install "$t" >/dev/null
        (strace -f -o /dev/null -e trace=renameat -e inject=renameat:signal=SIGKILL:when=$n "$NSKIT" install --copies "$t"; :) >/dev/null 2>&1
        left=$(temporaries "$t")
        same "SIGKILL before rename $n leaves one temporary (the fault was injected)" "$left" 1
        same "...and whole old files" "$(cmp "$old_binary" "$t/nskit" >/dev/null 2>&1 || cmp "$NSKIT" "$t/nskit" && echo whole)" whole
        expect "the next install removes it and says so" --rc 0 --err "removed .$([ $n = 1 ] && echo nskit || echo nsenter).nskit-new." \
            -- "$NSKIT" install --copies "$t"
        same "...no temporary is left, nothing else is there" "$(temporaries "$t"):$(ls -A "$t" | sort | tr '\n' ' ')" "0:$everything"
    done
    t=$(fresh)
    (strace -f -o /dev/null -e trace=renameat -e inject=renameat:signal=SIGKILL:when=1 "$NSKIT" install "$t"; :) >/dev/null 2>&1
    expect "uninstall removes a killed installer's temporary too" --rc 0 --err "removed .nskit.nskit-new." -- "$NSKIT" uninstall "$t"
    same "...leaving the directory empty" "$(ls -A "$t")" ""

    # --force killed between keeping its backup (a hard link) and renaming.
    for next in install uninstall; do
        t=$(fresh)
        "$NSKIT" install --applets '' "$t" >/dev/null
        printf 'foreign\n' >"$t/nsenter"
        foreign=$(listing "$t")
        (strace -f -o /dev/null -e trace=renameat -e inject=renameat:signal=SIGKILL:when=1 \
            "$NSKIT" install --force --applets nsenter "$t"; :) >/dev/null 2>&1
        same "SIGKILL during --force leaves a backup that is nsenter itself ($next next)" \
            "$(stat -c %i "$t/nsenter.nskit-backup" 2>/dev/null)" "$(stat -c %i "$t/nsenter")"
        if [ $next = install ]; then
            expect "the next --force accepts that backup" --rc 0 \
                --out-has "replaced      $t/nsenter -> nskit (a different program kept as nsenter.nskit-backup)" \
                -- "$NSKIT" install --force --applets nsenter "$t"
            same "...the backup is the foreign file, no temporary" "$(cat "$t/nsenter.nskit-backup"):$(temporaries "$t")" foreign:0
            expect "...and uninstall puts it back" --rc 0 --out-has "restored      $t/nsenter" -- "$NSKIT" uninstall "$t"
        else
            expect "uninstall after the killed --force" --rc 0 --out-has "skipped       $t/nsenter" -- "$NSKIT" uninstall "$t"
        fi
        same "...leaving nsenter exactly as it was ($next)" "$(listing "$t")" "$(echo "$foreign" | grep '^nsenter ')"
    done

    t=$(fresh)
    "$old_binary" install "$t" >/dev/null
    before=$(listing "$t")
    expect "a write error while writing the new binary" --rc 1 --err "cannot write a new $t/nskit: No space left on device" \
        -- strace -f -o /dev/null -e trace=write -e inject=write:error=ENOSPC:when=1 "$NSKIT" install "$t"
    same "...leaves the old version and no temporary file" "$(listing "$t"):$(temporaries "$t")" "$before:0"
    t=$(fresh)
    # In an empty directory the first pread is the read-back of the new file.
    expect "a read-back that differs from what was written" --rc 1 \
        --err "cannot write a new $t/nskit: what was read back differs from what was written" \
        -- strace -f -o /dev/null -e trace=pread64 -e inject=pread64:retval=0:when=1 "$NSKIT" install "$t"
    same "...leaves nothing" "$(ls -A "$t")" ""
fi

# -- two installers at once -----------------------------------------------------------------------
t=$(fresh)
for round in $(seq 1 10); do
    "$old_binary" install --copies "$t" >/dev/null 2>&1 &
    a=$!
    "$NSKIT" install "$t" >/dev/null 2>&1 &
    b=$!
    "$NSKIT" install --force "$t" >/dev/null 2>&1 &
    c=$!
    failed=0
    for p in $a $b $c; do wait "$p" || failed=1; done
    [ "$failed" = 0 ] || break
done
same "ten rounds of three racing installers all succeed" "$round" 10
same "after the races nskit is one whole binary" "$( (cmp -s "$NSKIT" "$t/nskit" || cmp -s "$old_binary" "$t/nskit") && echo whole)" whole
same "after the races no temporary file is left" "$(temporaries "$t")" 0
same "after the races nothing else is there" "$(ls -A "$t" | sort | tr '\n' ' ')" "$everything"

t=$(fresh)
hold_lock "$t" locked2
"$NSKIT" install "$t" >"$work/waiter.out" 2>"$work/waiter.err" &
waiter=$!
wait_for_waiting "$work/waiter.err"
same "a second installer waits for the first" "$(cat "$work/waiter.err")" "install: another installer is working in $t: waiting for it to finish"
same "...and has not written anything yet" "$(ls -A "$t")" ""
echo >"$work/release"
wait "$waiter"
same "...then installs" "$?:$(ls -A "$t" | sort | tr '\n' ' ')" "0:$everything"

# -- /target, the container's default, must be a mount point ---------------------------------------
if need_root "/target in a chroot" && need_cmd "/target in a chroot" unshare; then
    root=$(fresh)
    mkdir -p "$root/target" "$root/proc"
    cp "$NSKIT" "$root/nskit"
    expect "an unmounted /target is refused with the docker run line" --rc 1 \
        --err "docker run --rm -v /usr/local/bin:/target nskit" -- chroot "$root" /nskit install
    same "...and nothing is written there" "$(ls -A "$root/target")" ""
    rmdir "$root/target"
    expect "a missing /target is refused the same way" --rc 1 --err "/target is not a mount point" -- chroot "$root" /nskit install
    mkdir "$root/target"
    host=$(fresh)
    expect "a mounted /target is installed into" --rc 0 --out-has "installed     /target/nskit" \
        -- unshare -m sh -c "mount --bind '$host' '$root/target' && mount -t proc proc '$root/proc' && chroot '$root' /nskit install"
    same "...and the files are in the mounted directory" "$(ls -A "$host" | sort | tr '\n' ' ')" "$everything"
fi

# -- install.sh, without Docker, from a checkout that belongs to another user (as under sudo) -------
if need_root "install.sh from another user's checkout" && need_cmd "install.sh from another user's checkout" git; then
    checkout=$work/checkout
    git clone -q "$TOP" "$checkout" && cp "$TOP/install.sh" "$checkout/install.sh"
    chown -R 65534:65534 "$checkout"
    head=$(git -C "$checkout" -c safe.directory="$checkout" rev-parse --short=12 HEAD)
    t=$(fresh)
    "$NSKIT" install "$t" >/dev/null
    expect "install.sh --uninstall needs no build: the installed nskit removes itself" --rc 0 --out-has "$entries removed in $t" \
        -- "$checkout/install.sh" --no-docker --uninstall --prefix "$t" --share "$work/share"
    same "...nothing was built, nothing is left" "$(ls -A "$t"):$([ -e "$checkout/build" ] && echo built)" ":"
    expect "a failed build creates no --prefix" --rc 1 --err "install.sh: make failed" \
        -- env CXX=false "$checkout/install.sh" --no-docker --prefix "$t/new" --share "$work/share"
    same "...so $t/new does not exist" "$(ls -A "$t")" ""
    # The first build of the checkout: a whole make, minutes on a busy 2-core machine.
    expect "install.sh keeps --applets whole and finds the real commit" --rc 0 --timeout 600 \
        --out "$(printf 'would install %s/nskit (nskit %s)\nwould install %s/nsenter -> nskit\nwould install %s/unshare -> nskit\ninstall: dry run, nothing changed: 3 to install in %s' \
            "$t" "$(cat "$TOP/VERSION")+$head" "$t" "$t" "$t")" \
        -- "$checkout/install.sh" --no-docker --dry-run --applets "nsenter, unshare" --prefix "$t" --share "$work/share"
    # A docker command whose socket we may not use (a user outside the docker group).
    mkdir "$work/fake-docker"
    printf '#!/bin/sh\necho "permission denied while trying to connect to the Docker daemon socket" >&2\nexit 1\n' \
        >"$work/fake-docker/docker"
    chmod 755 "$work/fake-docker/docker"
    expect "install.sh says permission denied on the Docker socket, then builds with make" --rc 0 --timeout 600 \
        --err "install.sh: permission denied on the Docker socket (run as root, or join the docker group): building with make instead" \
        -- env PATH="$work/fake-docker:$PATH" "$checkout/install.sh" --dry-run --prefix "$t" --share "$work/share"
fi

# -- export -------------------------------------------------------------------------------------
expect "export writes the binary to standard output" --rc 0 -- sh -c "'$NSKIT' export >'$work/exported'"
same "the exported binary is the running one" "$(cmp "$NSKIT" "$work/exported" && echo same)" same
expect "export takes no argument" --rc 1 --err "no arguments expected" -- "$NSKIT" export somewhere
if need_cmd "export to a terminal" script; then
    expect "export refuses to write to a terminal" --rc 1 --out-has "refusing to write a binary to a terminal" \
        -- script -qec "'$NSKIT' export" /dev/null
fi
