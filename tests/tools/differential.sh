# docker-enter beside docker exec on the same container: one probe, run by
# both, whose sections are compared one by one. Sourced by tests/e2e/enter.sh
# and by the host lab's suite (tests/host-lab/suite.sh), after tests/lib.sh.
#   PROBE / ASPECTS    what the process sees of itself (ids, capabilities,
#                      no_new_privs, seccomp, blocked and ignored signals, limits, cwd, environment,
#                      cgroups and membership of the container's own
#                      cgroup.procs where it can see that, security label,
#                      namespaces), section by section
#   differential CASE CONTAINER QUERY [options for both...]
#   compare CASE ASPECTS EXPECTED GOT
#   section NAME TEXT

# What the process sees of itself, in sections.
PROBE='echo @ids; id; grep -E "^(Uid|Gid|Groups):" /proc/self/status
echo @caps; grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status
echo @nnp; grep "^NoNewPrivs:" /proc/self/status
echo @seccomp; grep "^Seccomp" /proc/self/status
echo @signals; grep -E "^Sig(Blk|Ign):" /proc/self/status
echo @limits; cat /proc/self/limits /proc/self/oom_score_adj
echo @cwd; pwd
echo @env; env | sort
echo @cgroup; cat /proc/self/cgroup
echo @member; grep -qx $$ /sys/fs/cgroup/cgroup.procs 2>/dev/null && echo in its cgroup.procs || echo not listed
echo @label; cat /proc/self/attr/current 2>&1 | tr -d "\0"; echo
echo @ns; for f in /proc/self/ns/*; do echo "$f $(readlink "$f")"; done'
ASPECTS="ids caps nnp seccomp signals limits cwd env cgroup member label ns"
section() { awk -v s="@$1" '$0 == s { on = 1; next } /^@/ { on = 0 } on' <<<"$2"; }

# compare CASE ASPECTS EXPECTED GOT: one result per aspect.
compare() {
    local case=$1 aspects=$2 expected=$3 got=$4 aspect
    if ! grep -q '^@ns$' <<<"$expected"; then
        fail "$case" "the probe did not run under docker exec: $(head -c 300 <<<"$expected")"
        return
    fi
    if ! grep -q '^@ns$' <<<"$got"; then
        fail "$case" "the probe did not run under docker-enter: $(head -c 300 <<<"$got")"
        return
    fi
    for aspect in $aspects; do
        same "$case: $aspect" "$(section "$aspect" "$expected")" "$(section "$aspect" "$got")"
    done
}

# differential CASE CONTAINER QUERY [options for both...]
differential() {
    local case=$1 container=$2 query=$3; shift 3
    local expected got
    expected=$(docker exec "$@" "$container" sh -c "$PROBE" 2>&1 </dev/null)
    if [ "${1:-}" = --privileged ] && ! grep -q '^@ns$' <<<"$expected"; then
        # runc asks for every capability the kernel knows: where the engine
        # itself lacks one (a confined machine), docker exec --privileged fails.
        skip "$case" "docker exec --privileged fails here: $(head -c 200 <<<"$expected" | tr '\n' ' ')"
        return
    fi
    # docker-enter as a script's background job runs it: SIGINT and SIGQUIT
    # ignored, which docker exec's command never inherits.
    got=$(timeout 60 sh -c 'trap "" INT QUIT; exec "$@"' sh "$NSKIT" docker-enter "$@" "$query" sh -c "$PROBE" \
          2>&1 </dev/null)
    local tries=0
    while [ "$(section limits "$expected")" != "$(section limits "$got")" ] && [ $tries -lt 2 ]; do
        # runc 1.1.5 (Go 1.19) now and then gives an exec'd process its soft
        # nofile limit raised to the hard one, under load: ask it again.
        echo "  (docker exec's limits differ from docker-enter's: asking docker exec again)"
        expected=$(docker exec "$@" "$container" sh -c "$PROBE" 2>&1 </dev/null)
        tries=$((tries + 1))
    done
    expected=$(judge_reference_limits "$case" "$container" "$expected" "$got")
    compare "$case" "$ASPECTS" "$expected" "$got"
}

# record_nofile CONTAINER: "SOFT HARD" of RLIMIT_NOFILE as the runtime's
# record gives it to an exec'd process: config.json's process.rlimits in the
# bundle (the working directory of the init's parent, the shim), else what
# the shim itself has.
record_nofile() {
    local init shim
    init=$(docker inspect -f '{{.State.Pid}}' "$1") || return 1
    shim=$(awk '/^PPid:/ { print $2 }' "/proc/$init/status") || return 1
    python3 - "/proc/$shim/cwd/config.json" "/proc/$shim/limits" <<'PY'
import json, sys
try:
    for limit in json.load(open(sys.argv[1])).get("process", {}).get("rlimits", []):
        if limit.get("type") == "RLIMIT_NOFILE":
            print(limit["soft"], limit["hard"]); sys.exit(0)
except OSError:
    pass
for line in open(sys.argv[2]):
    if line.startswith("Max open files"):
        print(*line.split()[3:5]); sys.exit(0)
sys.exit(1)
PY
}

# nofile_line LIMITS: "SOFT HARD" of the "Max open files" line of /proc/self/limits.
nofile_line() { awk '/^Max open files/ { print $4, $5 }' <<<"$1"; }

# judge_reference_limits CASE CONTAINER EXPECTED GOT: prints EXPECTED, with
# the reference's own known slip (runc 1.1.5's soft nofile limit raised to
# the hard one) replaced by what the runtime's record says, when that is the
# only difference and says so. docker-enter is then held to the record, so
# the slip of the reference is never our failure, nor a pass that hides ours.
judge_reference_limits() {
    local case=$1 container=$2 expected=$3 got=$4
    local want have record soft hard
    want=$(section limits "$expected") have=$(section limits "$got")
    if [ "$want" = "$have" ] || [ "$(grep -v '^Max open files' <<<"$want")" != "$(grep -v '^Max open files' <<<"$have")" ]; then
        echo "$expected"; return
    fi
    record=$(record_nofile "$container") || { echo "$expected"; return; }
    read -r soft hard <<<"$(nofile_line "$want")"
    if [ "$soft" = "$hard" ] && [ "$(nofile_line "$have")" = "$record" ]; then
        echo "  (reference deviated in $case: docker exec gave soft nofile $soft = hard, the record says $record; docker-enter is held to the record)" >&2
        # The reference's line, as the kernel printed ours (which is the record's).
        local line; line=$(grep '^Max open files' <<<"$have")
        awk -v line="$line" '/^@/ { in_limits = ($0 == "@limits") } in_limits && /^Max open files/ { $0 = line } { print }' \
            <<<"$expected"
        return
    fi
    echo "$expected"
}
