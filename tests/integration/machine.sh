#!/usr/bin/env bash
# systemd-machined's containers, found daemonless as machine:NAME
# (src/runtime/sources/machine.cpp): machined's record of each,
# /run/systemd/machines/NAME (CLASS=container, LEADER=PID). A real
# systemd-nspawn machine needs systemd as PID 1 (machined registers it as a
# scope unit); where there is none, the record is written here as machined
# writes it, for a real container of unshare's, and entering it is compared
# with nsenter --all of its leader.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "machined's containers" || exit 0
name=nskit-machine-$$
record=/run/systemd/machines/$name

if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ] || ! command -v systemd-nspawn >/dev/null; then
    skip "a systemd-nspawn machine" "no systemd as PID 1 here, or no systemd-nspawn: machined cannot register one"
fi

start_target --pid --mount --uts --ipc --net --fork --mount-proc
leader=$TARGET
if [ ! -d /run/systemd/machines ]; then
    mkdir -p /run/systemd/machines
    at_exit "rmdir /run/systemd/machines; rmdir /run/systemd 2>/dev/null"
fi
at_exit "rm -f $record '/run/systemd/machines/unit:machine-$name.scope'"
# As machined's machine_save() writes it ("This is private data. Do not parse.").
cat >"$record.tmp" <<RECORD
# This is private data. Do not parse.
NAME=$name
SCOPE=machine-$name.scope
SERVICE=nspawn
ROOT=/
ID=$(cat /proc/sys/kernel/random/uuid | tr -d -)
LEADER=$leader
CLASS=container
REALTIME=$(date +%s)000000
MONOTONIC=1
RECORD
mv "$record.tmp" "$record"
ln -sfn "$name" "/run/systemd/machines/unit:machine-$name.scope"
nsenter -t "$leader" -u hostname nskit-machine

enter=("$NSKIT" docker-enter -T)
probe='hostname; for ns in mnt net pid uts ipc; do readlink /proc/self/ns/$ns; done; grep -E "^Cap(Bnd|Eff)" /proc/self/status'
same "machine:$name: its leader's namespaces and capabilities, as nsenter --all gives them" \
    "$("${enter[@]}" machine:$name sh -c "$probe" 2>&1)" "$(nsenter --all -t "$leader" sh -c "$probe" 2>&1)"
expect "machine:$name: the command's exit status" --rc 3 -- "${enter[@]}" machine:$name sh -c 'exit 3'
expect "$name, unprefixed" --out nskit-machine -- "${enter[@]}" "$name" hostname
same "--list: the machine by name, with its leader's PID" \
    "$("$NSKIT" docker-enter --list | awk -v n="$name" '$2 == n {print $1, $3, $4, $5}')" "machine - $leader running"
sed -i 's/^CLASS=container/CLASS=vm/' "$record"
expect "a virtual machine (CLASS=vm) is no container to enter" --rc 1 --err "cannot find container machine:$name" -- \
    "${enter[@]}" machine:$name true
