#!/usr/bin/env bash
# Builds the Debian package with CPack, inspects it (control fields, conffiles, file list) and
# runs the packaged binary from a scratch root: --version and --config.check on the packaged
# default configuration.
#   check_deb.sh <build dir> [cpack]
set -euo pipefail
build=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

(cd "$build" && "${2:-cpack}" -G DEB --config CPackConfig.cmake -B "$scratch/out") >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
shopt -s nullglob
debs=("$scratch"/out/flink-ha-exporter_*.deb)
((${#debs[@]} == 1)) || { cat "$scratch/cpack.log"; fail "expected one flink-ha-exporter_*.deb, found ${#debs[@]}"; }
deb=${debs[0]}
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

info=$(dpkg-deb -I "$deb")
echo "$info"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == flink-ha-exporter ]] || fail "Package is $(field Package)"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
[[ $(field Description) == *"ZooKeeper HA"* ]] || fail "Description: $(field Description)"
depends=$(field Depends)
# Computed by dpkg-shlibdeps from the binary, plus adduser for the postinst.
for dep in libc6 libstdc++6 libssl3 libyaml-cpp0.7 libcpp-httplib0.11 libprometheus-cpp-core1.0 adduser; do
  [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done
dpkg-deb -e "$deb" "$scratch/control"
for script in postinst prerm postrm; do
  [[ -x $scratch/control/$script ]] || fail "control script $script missing or not executable"
  sh -n "$scratch/control/$script" || fail "$script has a syntax error"
done
grep -q 'systemd-sysusers\|adduser' "$scratch/control/postinst" || fail "postinst creates no user"
sort "$scratch/control/conffiles" >"$scratch/conffiles"
printf '%s\n' /etc/default/flink-ha-exporter /etc/flink-ha-exporter/flink-ha-exporter.yml |
  sort | diff - "$scratch/conffiles" || fail "conffiles differ (expected above, found below)"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
expect=(
  /usr/bin/flink-ha-exporter
  /lib/systemd/system/flink-ha-exporter.service
  /usr/lib/sysusers.d/flink-ha-exporter.conf
  /etc/default/flink-ha-exporter
  /etc/flink-ha-exporter/flink-ha-exporter.yml
  /usr/share/flink-ha-exporter/prometheus/flinkha-rules.yml
  /usr/share/flink-ha-exporter/prometheus/prometheus.yml
  /usr/share/flink-ha-exporter/prometheus/mixin.py
  /usr/share/flink-ha-exporter/alertmanager/alertmanager.yml
  /usr/share/doc/flink-ha-exporter/copyright
  /usr/share/doc/flink-ha-exporter/README.md
  /usr/share/doc/flink-ha-exporter/examples/web-config.yml.example
  /usr/share/doc/flink-ha-exporter/examples/output-directories.conf.example
)
for f in "${expect[@]}"; do
  grep -qx -- "$f" <<<"$contents" || fail "$f is not in the package"
done
grep -q '^/usr/share/flink-ha-exporter/dashboards/.*\.json$' <<<"$contents" ||
  fail "no dashboards in /usr/share/flink-ha-exporter/dashboards"
echo "files: $(grep -vc '/$' <<<"$contents") (all ${#expect[@]} expected ones present, plus dashboards)"

dpkg-deb -x "$deb" "$scratch/root"
bin=$scratch/root/usr/bin/flink-ha-exporter
file "$bin" | grep -q 'stripped' && ! file "$bin" | grep -q 'not stripped' || fail "binary is not stripped: $(file "$bin")"
version=$("$bin" --version) || fail "--version exited $?"
echo "$version"
[[ $version == "flink-ha-exporter, version "* ]] || fail "unexpected --version output"
"$bin" --config.check --config.file="$scratch/root/etc/flink-ha-exporter/flink-ha-exporter.yml" ||
  fail "the packaged default configuration does not pass --config.check"
cmp "$scratch/root/lib/systemd/system/flink-ha-exporter.service" \
  "$(dirname "$0")/../../packaging/systemd/flink-ha-exporter.service" || fail "unit differs from the source"
echo "OK: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
