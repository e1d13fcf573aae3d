#!/usr/bin/env bash
# make release (scripts/release), as a user receives it: made twice in two
# directories, byte for byte the same; SHA256SUMS covering every file, signed
# with a throwaway minisign key and verified with its public key (and not with
# another key, nor after a change); the OCI image index with one manifest per
# architecture and the right platforms; each docker archive loaded by a real
# engine and the native images run; the SBOM naming what was actually used;
# a failed release leaving nothing behind.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"

need_root "make release (buildah's storage)" || exit 0
for tool in buildah skopeo minisign python3; do need_cmd "make release" "$tool" || exit 0; done

arches="x86_64 arm64 armhf ppc64le s390x"
version=$(cat "$TOP/VERSION")
commit=$(git -C "$TOP" rev-parse --short=12 HEAD)
[ -z "$(git -C "$TOP" status --porcelain --untracked-files=no)" ] || commit=$commit-dirty
full_commit=$(git -C "$TOP" rev-parse HEAD)
created=$(TZ=UTC date -u -d "@$(git -C "$TOP" show -s --format=%ct HEAD)" +%Y-%m-%dT%H:%M:%SZ)
work=$(mktemp -d /tmp/nskit-release-test.XXXXXX)
at_exit "rm -rf $work"

minisign -G -W -p "$work/key.pub" -s "$work/key.sec" >/dev/null 2>&1
minisign -G -W -p "$work/other.pub" -s "$work/other.sec" >/dev/null 2>&1
export NSKIT_SIGNING_KEY=$work/key.sec NSKIT_ARCHES=$arches

if ! DIST=$work/one make -s -C "$TOP" release >"$work/one.log" 2>&1; then
    fail "make release" "$(tail -5 "$work/one.log")"
    exit 0
fi
pass "make release writes dist/"
expected="SHA256SUMS SHA256SUMS.minisig"
for arch in $arches; do
    expected="$expected nskit-$version-$arch nskit-$version-$arch.docker.tar nskit-tools-$version-$arch.docker.tar"
done
expected="$expected nskit-$version.spdx.json oci"
same "dist/ holds the binaries, image archives, OCI layouts, SBOM and signed checksums" \
    "$(cd "$work/one" && ls | sort | tr '\n' ' ')" "$(tr ' ' '\n' <<<"$expected" | sort | tr '\n' ' ')"

# Built again, elsewhere and later: the same bytes.
sleep 1
if DIST=$work/two make -s -C "$TOP" release >"$work/two.log" 2>&1; then
    same "built twice, every file is byte for byte the same" "$(diff -rq "$work/one" "$work/two" 2>&1)" ""
else
    fail "make release, the second time" "$(tail -5 "$work/two.log")"
fi

cd "$work/one" || exit 0
expect "sha256sum -c SHA256SUMS" -- sha256sum -c --quiet SHA256SUMS
same "SHA256SUMS covers every file in dist/ but itself and its signature" \
    "$(find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.minisig | sed 's|^\./||' | sort)" \
    "$(awk '{print $2}' SHA256SUMS | sort)"
expect "minisign -V: the signature verifies with the release's public key" \
    --out-has "Trusted comment: nskit $version+$commit SHA256SUMS (commit $full_commit)" -- \
    minisign -V -p "$work/key.pub" -m SHA256SUMS
expect "minisign -V: another key's public key does not verify it" --rc 1 -- minisign -V -p "$work/other.pub" -m SHA256SUMS
cp SHA256SUMS "$work/tampered"; cp SHA256SUMS.minisig "$work/tampered.minisig"
# One character changed: the first, 0 made 1 and anything else made 0.
sed -i '1s/^0/X/; 1s/^[^X]/0/; 1s/^X/1/' "$work/tampered"
same "the tampered SHA256SUMS differs from the signed one" "$(cmp -s SHA256SUMS "$work/tampered" && echo same)" ""
expect "minisign -V: a changed SHA256SUMS does not verify" --rc 1 -- minisign -V -p "$work/key.pub" -m "$work/tampered"

# The binaries: each the architecture it says, of this commit.
declare -A machine=([x86_64]="x86-64" [arm64]="ARM aarch64" [armhf]="ARM, EABI5" [ppc64le]="64-bit PowerPC" [s390x]="IBM S/390")
for arch in $arches; do
    expect "nskit-$version-$arch: a static ${machine[$arch]} binary of $version+$commit" \
        --out "$version+$commit" -- sh -c "file -b nskit-$version-$arch | grep -q '${machine[$arch]}.*static' && grep -ao 'NSKIT-IDENTITY:[^[:space:]]*' nskit-$version-$arch | cut -d: -f2"
done

# The OCI layouts: an image index per image, one manifest per architecture.
platforms() {
    skopeo inspect --raw "oci:oci/$1:$version" | python3 -c '
import json, sys
index = json.load(sys.stdin)
print(index["mediaType"], *sorted(m["platform"]["architecture"] + "/" + m["platform"].get("variant", "-")
                                  for m in index["manifests"]))'
}
for image in nskit nskit-tools; do
    same "oci/$image: an image index with the five platforms (arm as v7)" "$(platforms "$image")" \
        "application/vnd.oci.image.index.v1+json amd64/- arm/v7 arm64/- ppc64le/- s390x/-"
done
config() { skopeo --override-arch "$2" ${3:+--override-variant "$3"} inspect --config "oci:oci/$1:$version"; }
same "the arm64 image's labels: created from the commit, version, revision, vendor" \
    "$(config nskit arm64 | python3 -c '
import json, sys
c = json.load(sys.stdin); l = c["config"]["Labels"]
print(c["created"], c["architecture"], c["config"]["Entrypoint"], *(l["org.opencontainers.image." + k] for k in ("created", "version", "revision", "vendor", "licenses")))')" \
    "$created arm64 ['/nskit', 'install'] $created $version $full_commit nskit Apache-2.0"
same "the armhf toolbox image is arm v7 with busybox's license" \
    "$(config nskit-tools arm v7 | python3 -c '
import json, sys
c = json.load(sys.stdin)
print(c["architecture"], c.get("variant"), c["config"]["Labels"]["org.opencontainers.image.licenses"])')" "arm v7 GPL-2.0-only"

# The SBOM: what was actually used, dated by the commit.
sbom_facts() {
    python3 - "nskit-$version.spdx.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["spdxVersion"], d["dataLicense"], d["creationInfo"]["created"], d["documentNamespace"].rsplit("-", 1)[1])
for p in d["packages"]:
    sums = " ".join(c["checksumValue"] for c in p.get("checksums", []))
    print("package", p["SPDXID"], p["name"], p["versionInfo"], p["licenseConcluded"], p.get("packageFileName", "-"), sums or "-",
          p["downloadLocation"])
for r in d["relationships"]:
    print("relationship", r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
EOF
}
facts=$(sbom_facts)
same "SBOM: SPDX-2.3, dated by the commit, namespace from the commit" "$(head -1 <<<"$facts")" \
    "SPDX-2.3 CC0-1.0 $created $full_commit"
declare -A deb=([x86_64]=amd64 [arm64]=arm64 [armhf]=armhf [ppc64le]=ppc64el [s390x]=s390x)
declare -A gxx=([x86_64]=g++ [arm64]=aarch64-linux-gnu-g++ [armhf]=arm-linux-gnueabihf-g++ [ppc64le]=powerpc64le-linux-gnu-g++ [s390x]=s390x-linux-gnu-g++)
for arch in $arches; do
    id=${arch//_/-}  # an SPDX ID has no underscore
    musl=$(dpkg-query -W -f='${Version}' "musl-dev:${deb[$arch]}")
    gcc=$(${gxx[$arch]} -dumpfullversion)
    # What apt-get download fetched: the candidate, built from this source.
    busybox=$(apt-cache policy "busybox-static:${deb[$arch]}" | sed -n 's/^ *Candidate: //p')
    source=$(apt-cache show "busybox-static:${deb[$arch]}=$busybox" | sed -n 's/^Source: busybox (\(.*\))$/\1/p' | head -1)
    want="SPDXRef-nskit-$id nskit $version Apache-2.0 nskit-$version-$arch $(sha256sum "nskit-$version-$arch" | cut -d' ' -f1)"
    same "SBOM: nskit for $arch with its SHA-256" "$(grep "^package SPDXRef-nskit-$id " <<<"$facts" | cut -d' ' -f2-7)" "$want"
    same "SBOM: musl $musl (musl-dev:${deb[$arch]}), statically linked into nskit for $arch" \
        "$(grep "^package SPDXRef-musl-$id " <<<"$facts" | cut -d' ' -f3-5) $(grep -c "^relationship SPDXRef-nskit-$id STATIC_LINK SPDXRef-musl-$id$" <<<"$facts")" \
        "musl $musl MIT 1"
    same "SBOM: gcc $gcc (${gxx[$arch]}), the build tool for $arch" \
        "$(grep "^package SPDXRef-gcc-$id " <<<"$facts" | cut -d' ' -f3-4) $(grep -c "^relationship SPDXRef-gcc-$id BUILD_TOOL_OF SPDXRef-nskit-$id$" <<<"$facts")" \
        "gcc $gcc 1"
    same "SBOM: busybox for $arch, GPL-2.0-only, its Debian source named" \
        "$(grep "^package SPDXRef-busybox-$id " <<<"$facts" | awk '{print $3, $4, $5, $NF}')" \
        "busybox $busybox GPL-2.0-only https://snapshot.debian.org/package/busybox/${source:-$busybox}/"
done

# A release that fails leaves the dist/ there was, and nothing else.
mkdir "$work/kept"; echo earlier >"$work/kept/marker"
expect "a release that fails says why" --rc 1 --err "release: unknown architecture 'mips'" -- \
    env NSKIT_ARCHES=mips DIST="$work/kept" "$TOP/scripts/release"
mkdir "$work/broken"; printf '#!/bin/sh\nexit 1\n' >"$work/broken/aarch64-linux-gnu-g++"; chmod 755 "$work/broken/aarch64-linux-gnu-g++"
expect "a release that fails halfway (a broken arm64 compiler) says why" --rc 1 --err "release: arm64: make ARCH=arm64 failed" -- \
    env NSKIT_ARCHES="x86_64 arm64" DIST="$work/kept" PATH="$work/broken:$PATH" "$TOP/scripts/release"
same "...and leaves the earlier dist/ as it was, and no dist.new" "$(ls -A "$work/kept") $(cat "$work/kept/marker") $(ls -d "$work/kept.new" 2>/dev/null)" "marker earlier "

# The archives through a real engine: docker load, and the native images run.
docker_start "docker load of the release's archives" || exit 0
for arch in x86_64 arm64 armhf; do
    docker rmi -f "nskit:$version" >/dev/null 2>&1
    expect "docker load < nskit-$version-$arch.docker.tar" --out-has "Loaded image: nskit:$version" -- \
        sh -c "docker load <nskit-$version-$arch.docker.tar"
    same "...an image for $arch" "$(docker image inspect -f '{{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}}' "nskit:$version")" \
        "linux/$(case $arch in x86_64) echo amd64 ;; armhf) echo arm/v7 ;; *) echo "$arch" ;; esac)"
done
docker rmi -f "nskit:$version" >/dev/null 2>&1
docker load <"nskit-$version-x86_64.docker.tar" >/dev/null
mkdir "$work/target"
expect "docker run nskit:$version installs into /target" --out-has "install: 4 installed in /target" -- \
    docker run --rm --network none -v "$work/target:/target" "nskit:$version"
same "...the release's binary, byte for byte" "$(cmp "nskit-$version-x86_64" "$work/target/nskit" 2>&1)" ""
docker load <"nskit-tools-$version-x86_64.docker.tar" >/dev/null
mkdir "$work/lib"
expect "docker run nskit:tools (from the release) installs the toolbox" -- \
    docker run --rm --network none -v "$work/lib:/target" nskit:tools
expect "...whose busybox runs" --out-has "BusyBox" -- "$work/lib/tools/busybox"
