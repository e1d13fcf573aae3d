# The installer image: `docker run --rm -v /usr/local/bin:/target nskit` puts
# nskit on the host. Build it with install.sh, or by hand:
#
#   docker build --build-arg NSKIT_COMMIT=$(git rev-parse --short=12 HEAD) \
#                --build-arg NSKIT_VERSION=$(cat VERSION) \
#                --build-arg NSKIT_SOURCE=$(git remote get-url origin) \
#                --build-arg NSKIT_CREATED=$(TZ=UTC git show -s --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd) -t nskit .
#
# (org.opencontainers.image.created is the commit's date, never the clock's.)
#
# Without a registry, make the builder base first: scripts/make-base-image.
# --build-arg RUN_UNIT_TESTS=1 also runs the unit tests (stage "test").
#
# The toolbox image for docker-enter --tools (stage "tools"): Debian's static
# busybox with its applet links, installed by
#   docker build --target tools -t nskit:tools .
#   docker run --rm -v /usr/local/lib/nskit:/target nskit:tools
ARG BUILDER_IMAGE=debian:bookworm-slim

FROM ${BUILDER_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends g++ make musl-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile VERSION ./
COPY src src
# .git is not in the build context: the commit comes in as an argument.
ARG NSKIT_COMMIT=unknown
RUN make NSKIT_COMMIT="$NSKIT_COMMIT" && ls -l build/nskit

# The classic builder runs every stage, so the tests are switched on by an argument.
FROM build AS test
ARG RUN_UNIT_TESTS=0
COPY tests/unit tests/unit
RUN if [ "$RUN_UNIT_TESTS" = 1 ]; then \
        apt-get update \
     && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends catch2 \
     && make NSKIT_COMMIT="$NSKIT_COMMIT" unit; \
    fi

# The toolbox: Debian's busybox-static and a link per applet, its license,
# and the Debian source package that corresponds to the binary (GPL-2.0: the
# source is there, at that version). toolbox/assemble does the same for every
# architecture of a release.
FROM build AS toolbox
COPY toolbox/assemble toolbox/assemble
RUN apt-get update \
 && apt-get download busybox-static \
 && rm -rf /var/lib/apt/lists/* \
 && toolbox/assemble busybox-static_*.deb /toolbox

FROM scratch AS tools
ARG NSKIT_VERSION=unknown
ARG NSKIT_COMMIT=unknown
ARG NSKIT_SOURCE=unknown
ARG NSKIT_CREATED=unknown
LABEL org.opencontainers.image.title="nskit toolbox" \
      org.opencontainers.image.created="${NSKIT_CREATED}" \
      org.opencontainers.image.vendor="nskit" \
      org.opencontainers.image.url="${NSKIT_SOURCE}" \
      org.opencontainers.image.documentation="${NSKIT_SOURCE}#readme" \
      org.opencontainers.image.description="Installs the toolbox of docker-enter --tools (a static busybox) into the directory mounted at /target" \
      org.opencontainers.image.version="${NSKIT_VERSION}" \
      org.opencontainers.image.revision="${NSKIT_COMMIT}" \
      org.opencontainers.image.source="${NSKIT_SOURCE}" \
      org.opencontainers.image.licenses="GPL-2.0-only"
COPY --from=toolbox /toolbox /toolbox
COPY toolbox/install /install
ENTRYPOINT ["/toolbox/sh", "/install"]

FROM scratch
ARG NSKIT_VERSION=unknown
ARG NSKIT_COMMIT=unknown
ARG NSKIT_SOURCE=unknown
ARG NSKIT_CREATED=unknown
ARG NSKIT_LICENSE=Apache-2.0
LABEL org.opencontainers.image.title="nskit" \
      org.opencontainers.image.created="${NSKIT_CREATED}" \
      org.opencontainers.image.vendor="nskit" \
      org.opencontainers.image.url="${NSKIT_SOURCE}" \
      org.opencontainers.image.documentation="${NSKIT_SOURCE}#readme" \
      org.opencontainers.image.description="Installs nskit (static nsenter, unshare, docker-enter) into the directory mounted at /target" \
      org.opencontainers.image.version="${NSKIT_VERSION}" \
      org.opencontainers.image.revision="${NSKIT_COMMIT}" \
      org.opencontainers.image.source="${NSKIT_SOURCE}" \
      org.opencontainers.image.licenses="${NSKIT_LICENSE}"
COPY --from=build /src/build/nskit /nskit
ENTRYPOINT ["/nskit", "install"]
