#!/usr/bin/env bash
# Builds Helm (the kubernetes tests' `helm lint` and `helm template` of packaging/helm) from the
# Go module proxy, pinned, outside the source tree:
#   ${FLINKHA_CACHE:-$HOME/.cache/flink-ha-exporter}/helm/bin/helm   (GOPATH, GOMODCACHE and
#   GOCACHE under .../helm/ too: a second run is offline and instant)
#   scripts/helm-fetch.sh [--quiet]     prints the path of helm on stdout
# Needs a Go at least as new as Helm's go.mod asks (on PATH, or /usr/local/go/bin/go); Debian 12's
# golang-go (1.19) is too old. Never downloads a Go toolchain (GOTOOLCHAIN=local).
# Idempotent: a helm that reports the pinned version is kept as it is.
set -euo pipefail

HELM_VERSION=v4.3.2
HELM_MODULE=helm.sh/helm/v4
HELM_GO=1.26.0  # the go directive of Helm v4.3.2's go.mod (checked against it below)

CACHE=${FLINKHA_CACHE:-$HOME/.cache/flink-ha-exporter}
QUIET=0
if [[ "${1:-}" == "--quiet" ]]; then QUIET=1; shift; fi
say() { ((QUIET)) || echo "helm-fetch: $*" >&2; }
die() { echo "helm-fetch: $*" >&2; exit 1; }

out="$CACHE/helm"
helm="$out/bin/helm"
# Prints the version the helm binary $1 reports (empty if it does not run).
helm_version() { "$1" version --template '{{.Version}}' 2>/dev/null || true; }

if [[ -x "$helm" && "$(helm_version "$helm")" == "$HELM_VERSION" ]]; then
  say "helm $HELM_VERSION present ($helm)"
  echo "$helm"
  exit 0
fi

export GOTOOLCHAIN=local  # never a downloaded toolchain, also for the version probe below
version_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" == "$2" ]]; }  # A >= B
go_version() { "$1" env GOVERSION 2>/dev/null | sed 's/^go//'; }
go=""
found=""
for candidate in "$(command -v go || true)" /usr/local/go/bin/go; do
  [[ -n "$candidate" && -x "$candidate" ]] || continue
  v=$(go_version "$candidate")
  found+="${found:+, }$candidate ${v:-(no version)}"
  if [[ -n "$v" ]] && version_ge "$v" "$HELM_GO"; then go=$candidate; break; fi
done
[[ -n "$go" ]] || die "helm $HELM_VERSION needs Go >= $HELM_GO to build (found: ${found:-no go on PATH or in /usr/local/go/bin}); install Go $HELM_GO or newer (not Debian 12's golang-go 1.19) and put it on PATH"

export GOPATH="$out/go" GOMODCACHE="$out/go/pkg/mod" GOCACHE="$out/go-build"
export GOFLAGS=-modcacherw GOBIN="$out/bin.partial" CGO_ENABLED=0
# Helm's release build (its Makefile) sets the full version by -ldflags; a plain go install would
# report only "v4.3".
build() {  # build LOG: go install of the pinned Helm
  "$go" install -trimpath \
    -ldflags "-w -s -X $HELM_MODULE/internal/version.version=$HELM_VERSION" \
    "$HELM_MODULE/cmd/helm@$HELM_VERSION" >"$1" 2>&1
}
mkdir -p "$out"
rm -rf "$GOBIN"
log="$out/build.log"
say "building helm $HELM_VERSION with $go ($(go_version "$go")) into $out"
# Offline first: every module may already be in GOMODCACHE.
if ! GOPROXY="file://$GOMODCACHE/cache/download" build "$log"; then
  say "not all modules cached yet; downloading from the Go module proxy"
  build "$log" || { tail -5 "$log" >&2; die "go install $HELM_MODULE/cmd/helm@$HELM_VERSION failed (log: $log)"; }
fi
gomod="$GOMODCACHE/cache/download/$HELM_MODULE/@v/$HELM_VERSION.mod"
want=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")
[[ "$want" == "$HELM_GO" ]] || die "Helm $HELM_VERSION's go.mod asks for Go $want, this script says $HELM_GO: update HELM_GO"
got=$(helm_version "$GOBIN/helm")
[[ "$got" == "$HELM_VERSION" ]] || die "the built helm reports version '$got', not $HELM_VERSION"
"$go" version -m "$GOBIN/helm" | grep -qE "^[[:space:]]+mod[[:space:]]+${HELM_MODULE}[[:space:]]+${HELM_VERSION}([[:space:]]|$)" ||
  die "the built helm is not module $HELM_MODULE $HELM_VERSION (go version -m)"
mkdir -p "$out/bin"
mv -f "$GOBIN/helm" "$helm"
rmdir "$GOBIN"
say "helm $HELM_VERSION built: $helm"
echo "$helm"
