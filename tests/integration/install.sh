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
same "...and leaves nsenter as it was" "$(cat "$t/nsenter")" foreign

# -- an old binary that is running while it is upgraded ---------------------------------------------
t=$(fresh) held=$(fresh)
"$old_binary" install "$t" >/dev/null
# The old binary waits for the lock of another directory, so it is running for as long as we hold that lock.
mkfifo "$work/release"
flock "$held" -c "echo locked >'$work/locked'; read _ <'$work/release'" &
holder=$!
at_exit "kill $holder"
for _ in $(seq 1 200); do [ -s "$work/locked" ] && break; sleep 0.05; done
"$t/nskit" install "$held" >"$work/old.out" 2>"$work/old.err" &
running=$!
for _ in $(seq 1 200); do grep -q waiting "$work/old.err" 2>/dev/null && break; sleep 0.05; done
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
flock "$t" -c "echo locked >'$work/locked2'; read _ <'$work/release'" &
holder=$!
at_exit "kill $holder"
for _ in $(seq 1 200); do [ -s "$work/locked2" ] && break; sleep 0.05; done
"$NSKIT" install "$t" >"$work/waiter.out" 2>"$work/waiter.err" &
waiter=$!
for _ in $(seq 1 200); do grep -q waiting "$work/waiter.err" 2>/dev/null && break; sleep 0.05; done
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

# -- export -------------------------------------------------------------------------------------
expect "export writes the binary to standard output" --rc 0 -- sh -c "'$NSKIT' export >'$work/exported'"
same "the exported binary is the running one" "$(cmp "$NSKIT" "$work/exported" && echo same)" same
expect "export takes no argument" --rc 1 --err "no arguments expected" -- "$NSKIT" export somewhere
if need_cmd "export to a terminal" script; then
    expect "export refuses to write to a terminal" --rc 1 --out-has "refusing to write a binary to a terminal" \
        -- script -qec "'$NSKIT' export" /dev/null
fi
