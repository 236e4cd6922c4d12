#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora from the recorded fixtures.

Usage: fuzz/seed_corpus.py OUT_DIR   (writes OUT_DIR/<target>/<sha1 of the input>)

Seeds come from what real Flink and ZooKeeper served (tests/fixtures/flink-real/<version>/,
tests/fixtures/zookeeper/), the config fixtures and the shipped configs, so a new recording
seeds the fuzzers without copying it. Only the targets whose input no recording exists for
(request heads, file names, the web config) have a few samples listed here. The directory is
rebuilt from scratch on every run.
"""
import hashlib
import json
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL = sorted(p for p in (FIXTURES / "flink-real").glob("*") if p.is_dir())

# The first byte of a rest_parsers_fuzz input picks the parser: keep in step with the enum in
# fuzz/rest_parsers_fuzz.cc. File stems of the recordings -> endpoint, first match wins.
ENDPOINTS = {
    "config": 0, "overview": 1, "jobs_overview": 2, "taskmanagers": 3, "checkpoints": 4,
    "checkpoint_config": 5, "job_metrics": 6, "exceptions": 7, "job_details": 8,
    "error_body": 9, "rpc_address": 10, "stack_trace": 11,
}
REST_FILES = [
    (r"^config$", "config"),
    (r"^overview", "overview"),
    (r"^jobs_overview", "jobs_overview"),
    (r"^taskmanagers", "taskmanagers"),
    (r"^checkpoints_config", "checkpoint_config"),
    (r"^checkpoints", "checkpoints"),
    (r"^metrics_", "job_metrics"),
    (r"^exceptions", "exceptions"),
    (r"^job($|_)", "job_details"),
]


def write(out, target, data):
    if isinstance(data, str):
        data = data.encode()
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def rest(out):
    for version in REAL:
        for f in sorted(version.glob("*.json")):
            kind = next((k for pat, k in REST_FILES if re.search(pat, f.stem)), None)
            if kind is None:
                raise SystemExit(f"seed_corpus.py: no endpoint for {f}: add it to REST_FILES")
            body = f.read_bytes()
            write(out, "rest_parsers_fuzz", bytes([ENDPOINTS[kind]]) + body)
            doc = json.loads(body)
            # The strings the parsers take apart further: RPC addresses and stack traces.
            if kind == "taskmanagers":
                for tm in doc.get("taskmanagers", []):
                    write(out, "rest_parsers_fuzz", bytes([ENDPOINTS["rpc_address"]]) +
                          tm["path"].encode())
            if kind == "exceptions":
                for e in doc.get("exceptionHistory", {}).get("entries", [])[:2]:
                    write(out, "rest_parsers_fuzz", bytes([ENDPOINTS["stack_trace"]]) +
                          e.get("stacktrace", "").encode())
    # Flink's error answers (recorded: the 503 of a leader election, a 404).
    for f in sorted((FIXTURES / "flink-rest" / "errors").glob("*.json")):
        write(out, "rest_parsers_fuzz", bytes([ENDPOINTS["error_body"]]) + f.read_bytes())


def zookeeper(out):
    for version in REAL:
        bins = sorted(version.glob("znode_*.bin"))
        for f in bins:
            write(out, "leader_info_fuzz", f.read_bytes())
        # A listing with the leader data of the same moment (steady, after failover, leader dead).
        for listing in sorted(version.glob("znodes*.txt")):
            moment = listing.stem[len("znodes"):]
            text = listing.read_bytes()
            write(out, "znode_tree_fuzz", text)
            for f in bins:
                if f.stem.endswith("connection_info" + moment):
                    write(out, "znode_tree_fuzz", text + b"\0" + f.read_bytes())
    for f in sorted((FIXTURES / "zookeeper" / "corpus").iterdir()):
        write(out, "leader_info_fuzz", f.read_bytes())
    for f in sorted((FIXTURES / "zookeeper").glob("4lw_*.txt")):
        write(out, "zk_4lw_fuzz", f.read_bytes())


def kubernetes(out):
    """Flink's HA ConfigMaps as the API server listed them (recorded on the Kubernetes HA bed),
    and the pieces the parsers take apart further; the first byte picks the parser
    (k8s_ha_fuzz.cc)."""
    for version in REAL:
        for f in sorted((version / "k8s").glob("configmaps*.json")):
            body = f.read_bytes()
            write(out, "k8s_ha_fuzz", b"\0" + body)
            for item in json.loads(body).get("items", [])[:2]:
                write(out, "k8s_ha_fuzz", b"\1" + json.dumps(
                    {"type": "MODIFIED", "object": item}).encode())
                meta = item.get("metadata", {})
                record = meta.get("annotations", {}).get("control-plane.alpha.kubernetes.io/leader")
                if record:
                    write(out, "k8s_ha_fuzz", b"\2" + record.encode())
                for key, value in item.get("data", {}).items():
                    if key.startswith("org.apache.flink.k8s.leader."):
                        write(out, "k8s_ha_fuzz", b"\4" + value.encode())
    for text in ['{"type":"ERROR","object":{"kind":"Status","code":410,'
                 '"message":"too old resource version: 1 (5)"}}']:
        write(out, "k8s_ha_fuzz", b"\1" + text.encode())
    for text in ['{"kind":"Status","apiVersion":"v1","status":"Failure","message":'
                 '"configmaps is forbidden: User \\"x\\" cannot list resource","reason":'
                 '"Forbidden","code":403}', "<html>gateway</html>"]:
        write(out, "k8s_ha_fuzz", b"\3" + text.encode())
    for text in ["PT15S", "15.000000000", "2026-12-07T02:24:16.579002Z", "PT1M30.5S"]:
        write(out, "k8s_ha_fuzz", b"\5" + text.encode())


def config(out):
    files = list((FIXTURES / "config").glob("*/*.yml"))
    files += list((ROOT / "config").glob("*.yml")) + list((ROOT / "config" / "examples").glob("*.yml"))
    for f in sorted(files):
        write(out, "config_fuzz", f.read_bytes())
    # The web config in exporter-toolkit's format (docs/configuration.md).
    hash_ = "$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze"
    for text in [
        "",
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n",
        "tls_server_config:\n  cert_file: /etc/x/server.crt\n  key_file: server.key\n"
        "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
        "  min_version: TLS13\n  max_version: TLS13\n",
        f"basic_auth_users:\n  prometheus: {hash_}\n  'other user': \"{hash_}\"\n",
        "http_server_config:\n  headers:\n    Strict-Transport-Security: max-age=31536000\n"
        "    X-Frame-Options: deny\n    Content-Security-Policy: default-src 'self'\n",
    ]:
        write(out, "web_config_fuzz", text)


def samples(out):
    for v in ["/metrics", "/metrics?debug=1", "/%6detrics", "/api/v1/status?x=%zz%",
              "/-/reload", "/api/v1/history?hours=6", "gzip", "gzip, deflate, br",
              "deflate;q=1.0, GZIP;q=0.5", "gzip;q=0", "gzip;q=0.000, *", "identity",
              "Basic cHJvbWV0aGV1czpzZWNyZXQ=", "basic  dXNlcjpwOmFzcw  ", "Bearer abc",
              "Basic cHJvbWV0aGV1cw=="]:
        write(out, "http_request_fuzz", v)
    for pattern, name in [
        ("part-*", "part-0-0"), ("*.csv", ".part-a1b2-0.csv.inprogress.c3d4"),
        ("part-[0-9]*", "_part-0-0.in-progress"), ("*", "_part-0-0.pending"),
        ("[!.]*", ".part-0-0.pending"), ("\\*x?", "_SUCCESS"), ("*.parquet", "part-0-1.parquet"),
    ]:
        write(out, "output_names_fuzz", pattern + "\0" + name)
    # The state file: an empty one here; fuzz/regressions/saved_state_fuzz/sample_state.json is
    # one with every kind of record, as EncodeSavedState writes it (saved_state_test's Sample()).
    write(out, "saved_state_fuzz", '{"format":"flink-ha-exporter-state","version":1,'
          '"saved_at":1700000000000000,"clusters":{}}')


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = pathlib.Path(sys.argv[1])
    shutil.rmtree(out, ignore_errors=True)
    rest(out)
    zookeeper(out)
    kubernetes(out)
    config(out)
    samples(out)
    for d in sorted(out.iterdir()):
        print(f"{d.name}: {sum(1 for _ in d.iterdir())} seeds")


if __name__ == "__main__":
    main()
