# Only the entered command joins the container's cgroups, and the container's
# cgroup state never holds the caller (issue 24). Sourced by tests/e2e/enter.sh
# and the host lab's suite (tests/host-lab/suite.sh), after tests/lib.sh, with
# an engine up, IMAGE a busybox image and DE the docker-enter command line.
#   only_the_command_cases   docker top during a session; docker pause
#                            mid-session then SIGTERM; a container at its pids
#                            limit; a command the container's OOM killer kills;
#                            docker kill mid-session (with --tools too): nothing
#                            of ours left on the host (TOOLBOX: a toolbox directory)

# processes NAME: the command lines docker top lists, sorted, on one line.
processes() { docker top "$1" -o pid,args | tail -n +2 | sed 's/^ *[0-9]* *//' | sort | tr '\n' ','; }

# session_start [OPTIONS] NAME COMMAND...: docker-enter ... in the background,
# its output in SESSION_OUT and its pid in SESSION; returns once COMMAND
# printed "ready".
session_start() {
    SESSION_OUT=$(mktemp); at_exit "rm -f $SESSION_OUT"
    "${DE[@]}" "$@" >"$SESSION_OUT" 2>&1 </dev/null &
    SESSION=$!
    wait_for 200 grep -q ready "$SESSION_OUT"
}

# elapsed_ms START: milliseconds since START (date +%s%N).
elapsed_ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

only_the_command_cases() {
    local started took rc out held
    docker run -d --network none --name otc-plain "$IMAGE" sleep 1000000 >/dev/null
    session_start otc-plain sh -c 'echo ready; exec sleep 31'
    same "docker top during a session: the container's init and the command alone" \
        "$(processes otc-plain)" "sleep 1000000,sleep 31,"
    kill -TERM "$SESSION"; wait "$SESSION"

    # Paused mid-session: the command, which handles SIGTERM, is frozen; the
    # caller's SIGTERM still ends docker-enter within a second, with a word.
    docker run -d --network none --name otc-pausable "$IMAGE" sleep 1000000 >/dev/null
    session_start otc-pausable sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.1; done'
    docker pause otc-pausable >/dev/null
    started=$(date +%s%N)
    kill -TERM "$SESSION"
    # A docker-enter the container holds would wait for ever: 5 s is enough to say so.
    wait_for 100 eval '! kill -0 '"$SESSION"' 2>/dev/null' || { docker unpause otc-pausable >/dev/null; kill -9 "$SESSION"; }
    wait "$SESSION"; rc=$?
    took=$(elapsed_ms "$started")
    if [ "$rc" = 143 ] && [ "$took" -lt 2000 ] && grep -q "has not ended a second after signal 15" "$SESSION_OUT"; then
        pass "paused mid-session: SIGTERM ends docker-enter within a second, with a word ($took ms)"
    else
        fail "paused mid-session: SIGTERM ends docker-enter within a second, with a word" \
            "exit $rc after $took ms: $(tail -2 "$SESSION_OUT")"
    fi
    same "paused mid-session: the command is still there, frozen" "$(processes otc-pausable | grep -c 'exit 7')" 1
    docker unpause otc-pausable >/dev/null 2>&1
    wait_for 100 eval '[ "$(processes otc-pausable | grep -c "exit 7")" = 0 ]'
    same "unpaused, the command got the signal and ended" "$(processes otc-pausable)" "sleep 1000000,"

    # At its pids limit (its init fills it: three sleeps and itself): refused
    # within a second, naming the limit, nothing left behind.
    docker run -d --network none --name otc-pids --pids-limit 4 "$IMAGE" \
        sh -c 'sleep 1000001 & sleep 1000001 & sleep 1000001 & exec sleep 1000000' >/dev/null
    wait_for 100 eval '[ "$(processes otc-pids | tr , "\n" | grep -c sleep)" = 4 ]'
    held=$(processes otc-pids)
    started=$(date +%s%N)
    out=$("${DE[@]}" otc-pids true 2>&1 </dev/null); rc=$?
    took=$(elapsed_ms "$started")
    if [ "$rc" = 1 ] && [ "$took" -lt 1000 ] && grep -q "the container is at its pids limit (.*/pids.max is 4, 4 in use, 2 needed)" <<<"$out"; then
        pass "at its pids limit: refused within a second, naming the limit"
    else
        fail "at its pids limit: refused within a second, naming the limit" "exit $rc after $took ms: $out"
    fi
    same "at its pids limit: nothing is left in the container" "$(processes otc-pids)" "$held"
    # One short of it: docker-enter's placer and the command are two for a
    # moment, so it says so (docker exec's one process would get in).
    docker run -d --network none --name otc-pids-one --pids-limit 5 "$IMAGE" \
        sh -c 'sleep 1000001 & sleep 1000001 & sleep 1000001 & exec sleep 1000000' >/dev/null
    wait_for 100 eval '[ "$(processes otc-pids-one | tr , "\n" | grep -c sleep)" = 4 ]'
    expect "one short of its pids limit: refused, naming the two processes it takes" --rc 1 \
        --err "pids.max is 5, 4 in use, 2 needed): no room for the processes it takes" \
        -- "${DE[@]}" otc-pids-one true

    # Out of memory: the container's OOM killer kills the command; docker-enter,
    # outside the container's memory cgroup, survives it, says so, and exits
    # as docker exec does.
    local hog='x=$(head -c 300000000 /dev/zero | tr "\0" a); echo ${#x}'
    docker run -d --network none --name otc-memory --memory 64m --memory-swap 64m "$IMAGE" sleep 1000000 >/dev/null
    same "out of memory: docker exec's exit status (reference)" \
        "$(docker exec otc-memory sh -c "$hog" >/dev/null 2>&1; echo $?)" 137
    out=$("${DE[@]}" otc-memory sh -c "$hog" 2>&1 </dev/null); rc=$?
    if [ "$rc" = 137 ] && grep -q "the command was killed by the out-of-memory killer of container otc-memory" <<<"$out"; then
        pass "out of memory: the command is killed; docker-enter survives, says so and exits 137"
    else
        fail "out of memory: the command is killed; docker-enter survives, says so and exits 137" "exit $rc: $out"
    fi

    # docker kill mid-session: the session ends, and no process, mount or
    # file of ours is left on the host. (Ours: what names nskit or the
    # toolbox; the private copy is an O_TMPFILE, or a memfd, with no name.)
    local mounts_before files_before tools=() how
    ours() { grep -e nskit -e "$TOOLBOX" "$@" | grep -v -e nskd -e "nskit-test" ; }
    mounts_before=$(ours /proc/self/mountinfo | sort)
    files_before=$(ls -a /tmp /dev/shm | ours | sort)
    for how in plain tools; do
        tools=(); [ "$how" = tools ] && tools=(--tools="$TOOLBOX")
        docker run -d --network none --name otc-killed "$IMAGE" sleep 1000000 >/dev/null
        session_start "${tools[@]}" otc-killed sh -c 'echo ready; exec sleep 32'
        docker kill otc-killed >/dev/null
        wait_for 100 eval '! kill -0 '"$SESSION"' 2>/dev/null'
        wait "$SESSION" 2>/dev/null
        same "docker kill mid-session ($how): docker-enter ends, no process of ours is left" \
            "$(pgrep -f 'docker-enter.* otc-killed'; pgrep -f '^sleep 32$')" ""
        rm -f "$SESSION_OUT"
        docker rm -f otc-killed >/dev/null 2>&1
    done
    same "docker kill mid-session: no mount of ours is left on the host" "$(ours /proc/self/mountinfo | sort)" "$mounts_before"
    same "docker kill mid-session: no file of ours is left in /tmp or /dev/shm" \
        "$(ls -a /tmp /dev/shm | ours | sort)" "$files_before"
    docker rm -f otc-plain otc-pausable otc-pids otc-memory >/dev/null 2>&1
}
