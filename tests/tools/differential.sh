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
    if [ "$(section limits "$expected")" != "$(section limits "$got")" ]; then
        # runc 1.1.5 (Go 1.19) now and then gives an exec'd process its soft
        # nofile limit raised to the hard one, under load: ask it again.
        echo "  (docker exec's limits differ from docker-enter's: asking docker exec again)"
        expected=$(docker exec "$@" "$container" sh -c "$PROBE" 2>&1 </dev/null)
    fi
    compare "$case" "$ASPECTS" "$expected" "$got"
}
