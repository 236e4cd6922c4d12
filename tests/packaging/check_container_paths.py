#!/usr/bin/env python3
"""Checks packaging/container against the repository, since no Docker engine runs in tests.

Every bind-mounted host path in compose.yaml and every COPY source of the Dockerfile must exist
(a typo there only shows at `docker compose up` or `docker build` time), and the paths the
mounted configs point at inside the containers must be mounted:
  - Prometheus' rule_files next to its prometheus.yml,
  - the Grafana dashboard provider's directory.
Usage: check_container_paths.py <repository root>
"""
import json
import os
import shlex
import sys

import yaml


def bind_mounts(compose, compose_dir):
    """(service, host path, container path) of every bind mount."""
    out = []
    for name, service in (compose.get("services") or {}).items():
        for volume in service.get("volumes") or []:
            if isinstance(volume, dict):
                if volume.get("type") != "bind":
                    continue
                source, target = volume["source"], volume["target"]
            else:
                parts = volume.split(":")
                source, target = parts[0], parts[1] if len(parts) > 1 else parts[0]
                if not source.startswith((".", "/", "~")):
                    continue  # a named volume
            out.append((name, os.path.normpath(os.path.join(compose_dir, source)), target))
    return out


def dockerfile_copy_sources(path):
    """Sources of COPY/ADD instructions that read the build context (not --from=stage)."""
    lines, current = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.lstrip().startswith("#") and not current:
                continue
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            lines.append(current + line)
            current = ""
    sources = []
    for line in lines:
        words = line.strip().split(None, 1)
        if len(words) < 2 or words[0].upper() not in ("COPY", "ADD"):
            continue
        rest = words[1].strip()
        if rest.startswith("["):
            args = json.loads(rest)
        else:
            args = shlex.split(rest)
        flags = [a for a in args if a.startswith("--")]
        args = [a for a in args if not a.startswith("--")]
        if any(f.startswith("--from=") for f in flags):
            continue
        sources.extend(args[:-1])
    return sources


def main():
    root = os.path.abspath(sys.argv[1])
    container = os.path.join(root, "packaging", "container")
    compose_path = os.path.join(container, "compose.yaml")
    with open(compose_path, encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    problems = []

    mounts = bind_mounts(compose, container)
    if not mounts:
        problems.append("compose.yaml: no bind mounts found (parsing went wrong?)")
    for service, host, target in mounts:
        status = "ok" if os.path.exists(host) else "MISSING"
        print(f"{status:7} compose {service}: {os.path.relpath(host, root)} -> {target}")
        if status != "ok":
            problems.append(f"compose.yaml: service {service} mounts {host}, which does not exist")

    # The exporter image is built from the repository with the Dockerfile the compose names.
    build = compose["services"]["flink-ha-exporter"]["build"]
    context = os.path.normpath(os.path.join(container, build["context"]))
    dockerfile = os.path.join(context, build["dockerfile"])
    if context != root:
        problems.append(f"compose.yaml: build context {context} is not the repository root")
    if not os.path.isfile(dockerfile):
        problems.append(f"compose.yaml: dockerfile {dockerfile} does not exist")
    else:
        sources = dockerfile_copy_sources(dockerfile)
        if not sources:
            problems.append("Dockerfile: no COPY sources found (parsing went wrong?)")
        for source in sources:
            path = os.path.join(context, source)
            status = "ok" if os.path.exists(path) else "MISSING"
            print(f"{status:7} Dockerfile COPY {source}")
            if status != "ok":
                problems.append(f"Dockerfile: COPY source {source} does not exist in {context}")

    targets = {target: host for _, host, target in mounts}
    # Prometheus: rule files are resolved relative to its config file inside the container.
    prom_config_target = "/etc/prometheus/prometheus.yml"
    if prom_config_target not in targets:
        problems.append(f"compose.yaml: nothing is mounted at {prom_config_target}")
    elif os.path.exists(targets[prom_config_target]):
        with open(targets[prom_config_target], encoding="utf-8") as f:
            prom = yaml.safe_load(f)
        for rule_file in prom.get("rule_files") or []:
            target = os.path.normpath(os.path.join("/etc/prometheus", rule_file))
            if target not in targets:
                problems.append(f"prometheus.yml: rule file {rule_file} ({target}) is not mounted")
            else:
                print(f"ok      Prometheus rule file {target}")
    # Grafana: the dashboard provider reads a directory that must be a mount.
    provider = os.path.join(container, "grafana/provisioning/dashboards/flink-ha-exporter.yml")
    with open(provider, encoding="utf-8") as f:
        for p in yaml.safe_load(f)["providers"]:
            path = p["options"]["path"]
            if path not in targets:
                problems.append(f"grafana provider {p['name']}: {path} is not mounted")
            elif not os.path.isdir(targets[path]) or not any(
                n.endswith(".json") for n in os.listdir(targets[path])
            ):
                problems.append(f"grafana provider {p['name']}: {targets[path]} has no *.json dashboards")
            else:
                print(f"ok      Grafana dashboards {path}")

    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
