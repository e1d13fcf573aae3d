#!/bin/sh
# Installs nskit from this checkout, the one command to run:
#
#   ./install.sh [--prefix DIR] [--no-docker] [--uninstall] [--copies] [--force] [--dry-run] [--applets LIST]
#
#   --prefix DIR   where to install (default /usr/local/bin)
#   --no-docker    build with make on this host instead of in the image
#   --uninstall    remove what was installed (a --force backup is put back)
#   --copies, --force, --dry-run, --applets LIST   passed to `nskit install` (see nskit install --help)
#
# With a Docker engine it builds the image (Dockerfile) and runs it:
#   docker run --rm -v DIR:/target nskit
# Without one (or with --no-docker) it runs make and then build/nskit install DIR.
set -eu

prefix=/usr/local/bin
use_docker=auto
action=install
image=nskit
builder=${BUILDER_IMAGE:-debian:bookworm-slim}
passed=         # --copies --force --dry-run, as words
applets=        # --applets LIST, kept whole (it may hold spaces)
applets_set=

say() { echo "install.sh: $*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --no-docker) use_docker=no; shift ;;
        --docker) use_docker=yes; shift ;;
        --uninstall) action=uninstall; shift ;;
        --copies|--force|--dry-run) passed="$passed $1"; shift ;;
        --applets) [ $# -ge 2 ] || die "--applets needs a list"; applets=$2; applets_set=1; shift 2 ;;
        --applets=*) applets=${1#--applets=}; applets_set=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see ./install.sh --help)" ;;
    esac
done
[ "$action" = install ] || [ -z "$passed$applets_set" ] || case $passed in
    " --dry-run") ;;
    *) die "--copies, --force and --applets are for installing, not with --uninstall" ;;
esac
case $prefix in
    /*) ;;
    *) prefix=$(pwd)/$prefix ;;
esac

cd "$(dirname "$0")"

# Root, or at least a directory we may write.
if [ "$(id -u)" != 0 ]; then
    if [ -d "$prefix" ] && [ -w "$prefix" ]; then
        :
    else
        die "cannot write to $prefix as $(id -un): run as root (sudo ./install.sh), or pick a directory of yours with --prefix"
    fi
fi
if [ ! -d "$prefix" ]; then
    [ "$action" = install ] || die "$prefix does not exist: nothing to uninstall"
    case $passed in
        *--dry-run*) say "$prefix does not exist: it would be created, and nskit installed into it"; exit 0 ;;
    esac
fi
# Created once nskit is built, so a failed build leaves no empty directory behind.
make_prefix() { [ -d "$prefix" ] || mkdir -p "$prefix" || die "cannot create $prefix"; }

# Uninstalling needs no build: this checkout's binary, or the installed nskit itself.
if [ "$action" = uninstall ]; then
    for binary in build/nskit "$prefix/nskit"; do
        if [ -x "$binary" ] && [ "$(head -c 4 "$binary" | tail -c 3)" = ELF ] && grep -aq 'NSKIT-IDENTITY:' "$binary"; then
            # shellcheck disable=SC2086 # $passed holds separate options
            exec "$binary" uninstall $passed "$prefix"
        fi
    done
fi

# Why the engine cannot be used, or nothing when it can.
engine_problem() {
    command -v docker >/dev/null 2>&1 || { echo "no docker command"; return; }
    why=$(docker info 2>&1 >/dev/null) && return
    case $why in
        *"permission denied"*) echo "permission denied on the Docker socket (run as root, or join the docker group)" ;;
        *) echo "the Docker engine does not answer (docker info failed)" ;;
    esac
}
if [ "$use_docker" = auto ]; then
    problem=$(engine_problem)
    if [ -z "$problem" ]; then
        use_docker=yes
    else
        use_docker=no
        say "$problem: building with make instead"
    fi
elif [ "$use_docker" = yes ]; then
    problem=$(engine_problem)
    [ -z "$problem" ] || die "$problem: install or start Docker (Debian: apt-get install docker.io), or use --no-docker"
fi

# safe.directory: under sudo the checkout belongs to someone else, and git
# would refuse to read it ("dubious ownership").
git() { command git -c safe.directory="$PWD" "$@"; }
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
version=$(cat VERSION)

if [ "$use_docker" = no ]; then
    for tool in make g++ gcc; do
        command -v "$tool" >/dev/null 2>&1 ||
            die "$tool not found: install the build tools (Debian: apt-get install g++ make musl-tools), or use Docker"
    done
    say "building with make"
    make -s NSKIT_COMMIT="$commit" >&2 || die "make failed"
    make_prefix
    # shellcheck disable=SC2086 # $passed holds separate options
    exec build/nskit "$action" $passed ${applets_set:+"--applets=$applets"} "$prefix"
fi

# The builder base: pulled if the engine can, else made here from Debian packages.
if ! docker image inspect "$builder" >/dev/null 2>&1; then
    say "no $builder image: trying docker pull"
    if ! docker pull "$builder" >/dev/null 2>&1; then
        [ "$builder" = debian:bookworm-slim ] ||
            die "cannot pull $builder, and scripts/make-base-image only makes debian:bookworm-slim"
        command -v debootstrap >/dev/null 2>&1 ||
            die "cannot pull $builder and debootstrap is missing to make it: apt-get install debootstrap (or use --no-docker)"
        say "cannot pull $builder: making it with scripts/make-base-image (debootstrap)"
        scripts/make-base-image --tag "$builder" || die "making the base image failed"
    fi
fi

say "building the image $image (nskit $version+$commit)"
source=$(git remote get-url origin 2>/dev/null || echo unknown)
DOCKER_BUILDKIT=0 docker build --network host \
    --build-arg BUILDER_IMAGE="$builder" --build-arg NSKIT_COMMIT="$commit" \
    --build-arg NSKIT_VERSION="$version" --build-arg NSKIT_SOURCE="$source" \
    -t "$image" -t "$image:$version" . >&2 || die "docker build failed (see above); --no-docker builds with make on this host instead"

make_prefix
# shellcheck disable=SC2086 # $passed holds separate options
exec docker run --rm --network none -v "$prefix:/target" --entrypoint /nskit "$image" "$action" $passed \
    ${applets_set:+"--applets=$applets"} /target
