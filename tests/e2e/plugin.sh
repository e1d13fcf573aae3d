#!/usr/bin/env bash
# `docker enter`: docker-enter as a Docker CLI plugin, through the real docker
# client of docker.io and a private engine. nskit install --plugin-dir puts
# it into a plugin directory of a private DOCKER_CONFIG; docker then asks it
# for its metadata, lists it, and runs it with its own global flags, which
# docker enter reads to find the endpoint as the CLI does (-H, --context,
# DOCKER_HOST, DOCKER_CONTEXT, currentContext).
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"

docker_start "docker enter (CLI plugin)" || exit 0
make_busybox_image nskit-test/busybox || { fail "busybox image" "docker import failed"; exit 0; }
WORK=$(mktemp -d /tmp/nskit-plugin.XXXXXX)
at_exit "rm -rf $WORK"
docker run -d --network none --name web nskit-test/busybox sleep 1000000 >/dev/null
HOST=$DOCKER_HOST
export DOCKER_CONFIG=$WORK/config
PLUGINS=$DOCKER_CONFIG/cli-plugins
BIN=$WORK/bin
mkdir -p "$BIN" "$DOCKER_CONFIG"

echo "-- installing the plugin"
expect "install --plugin-dir: a directory that does not exist is refused, before anything is installed" --rc 1 \
    --err "install: cannot open $PLUGINS: No such file or directory" -- "$NSKIT" install --plugin-dir "$PLUGINS" "$BIN"
same "... nothing was installed" "$(ls -A "$BIN")" ""
mkdir "$PLUGINS"
expect "install --plugin-dir: a copy named docker-enter" --out-has "installed     $PLUGINS/docker-enter (copy of nskit" \
    -- "$NSKIT" install --plugin-dir "$PLUGINS" "$BIN"
expect "the metadata docker asks for" --out-has '{"SchemaVersion":"0.1.0","Vendor":"nskit","Version":"' \
    -- "$PLUGINS/docker-enter" docker-cli-plugin-metadata

echo "-- through the docker CLI"
expect "docker --help lists it" --out-has "enter*      Run a command in a running container with its own context" -- docker --help
expect "docker enter --help" --out-has "docker enter [options] <container>" -- docker enter --help
expect "docker help enter" --out-has "docker enter [options] <container>" -- docker help enter
same "docker enter NAME id: what docker exec gives" "$(docker exec web id)" "$(docker enter web id 2>&1)"
expect "docker enter: the command's exit status" --rc 3 -- docker enter web sh -c 'exit 3'
expect "docker enter -e and -w, docker-enter's options" --out "1 /tmp" -- docker enter -e X=1 -w /tmp web sh -c 'echo $X $(pwd)'
expect "docker enter: an unknown container" --rc 1 --err "docker enter: " -- docker enter no-such-container true

echo "-- completion, as the CLI of Docker 23 and later asks its plugins"
# "docker __complete enter WORD..." runs "docker-enter __complete enter
# WORD...": the answer is cobra's, candidates then ":4" (no file names).
# This engine's state is not where docker-enter looks by itself: the line
# names it, as a user would.
asked() { env DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND=docker "$PLUGINS/docker-enter" __complete enter "$@" 2>&1; }
at=(--state-dir "$DOCKER_DIR/x" --data-root "$DOCKER_DIR/d")
same "completion: the running containers" "$(asked "${at[@]}" "")" "$(printf 'web\n:4')"
same "completion: ...those whose name starts with the word" "$(asked "${at[@]}" we)" "$(printf 'web\n:4')"
same "completion: ...none" "$(asked "${at[@]}" zz)" ":4"
same "completion: an option" "$(asked --st)" "$(printf -- '--state-dir\n:4')"
same "completion: an option's value: nothing" "$(asked "${at[@]}" -u "")" ":4"
same "completion: the command after the container: nothing" "$(asked "${at[@]}" web "")" ":4"

echo "-- the endpoint, as the CLI finds it"
ID=$(docker inspect -f '{{.Id}}' web)
docker context create other --docker "host=$HOST" >/dev/null 2>&1
docker context create remote --docker "host=tcp://192.0.2.1:2375" >/dev/null 2>&1
# Each answer is the container's hostname: only the engine at HOST knows "web"
# (its state files are not where docker-enter looks without --state-dir).
expect "docker -H unix://SOCKET enter" --out "${ID:0:12}" -- env -u DOCKER_HOST docker -H "$HOST" enter web hostname
expect "docker --context NAME enter" --out "${ID:0:12}" -- env -u DOCKER_HOST docker --context other enter web hostname
expect "DOCKER_CONTEXT=NAME docker enter" --out "${ID:0:12}" -- env -u DOCKER_HOST DOCKER_CONTEXT=other docker enter web hostname
docker context use other >/dev/null 2>&1
expect "currentContext in config.json" --out "${ID:0:12}" -- env -u DOCKER_HOST docker enter web hostname
docker context use remote >/dev/null 2>&1
expect "currentContext: a remote one is refused" --rc 1 --err "the endpoint of context remote is tcp://192.0.2.1:2375" \
    -- env -u DOCKER_HOST docker enter web true
expect "DOCKER_HOST wins over currentContext" --out "${ID:0:12}" -- env DOCKER_HOST="$HOST" docker enter web hostname
expect "a remote endpoint is refused" --rc 1 \
    --err "docker enter: the endpoint of context remote is tcp://192.0.2.1:2375: nskit enters containers of this host only" \
    -- env -u DOCKER_HOST docker --context remote enter web true
expect "a remote DOCKER_HOST is refused" --rc 1 --err "docker enter: the endpoint of context default is tcp://192.0.2.1:2375" \
    -- env DOCKER_HOST=tcp://192.0.2.1:2375 docker enter web true
docker context use default >/dev/null 2>&1

echo "-- removing it"
expect "uninstall --plugin-dir" --out-has "removed       $PLUGINS/docker-enter (copy of nskit" \
    -- "$NSKIT" uninstall --plugin-dir "$PLUGINS" "$BIN"
same "... both directories empty again" "$(ls -A "$PLUGINS" "$BIN" | grep -v ':$' | grep -v '^$')" ""
