#!/usr/bin/env python3
"""Checks the inhibit rules of config/alertmanager/alertmanager.yml on a real Alertmanager.

Starts Alertmanager on a free loopback port with the example configuration (receivers emptied,
so nothing is sent anywhere), posts alerts through /api/v2/alerts and asserts which of them
Alertmanager reports as inhibited. Stops Alertmanager whatever happens.
  inhibit_test.py [--alertmanager-bin prometheus-alertmanager]
"""
import argparse
import datetime
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from child_process import die_with_parent, free_port, stop

try:
    import yaml
except ImportError:
    print("inhibit_test.py needs PyYAML (Debian: python3-yaml)", file=sys.stderr)
    sys.exit(2)

ROOT = pathlib.Path(__file__).resolve().parents[2]

# (labels, expected to be inhibited). Each cluster is one scenario; alerts of one cluster must
# never inhibit another cluster's.
CASES = [
    # No leader: job and checkpoint alerts follow from it.
    ({"alertname": "FlinkNoLeader", "flink_cluster": "a", "component": "dispatcher",
      "severity": "critical"}, False),
    ({"alertname": "FlinkJobNotRunning", "flink_cluster": "a", "job_id": "j1",
      "severity": "critical"}, True),
    ({"alertname": "FlinkCheckpointsStale", "flink_cluster": "a", "job_id": "j1",
      "severity": "critical"}, True),
    # Another cluster is not affected by a's missing leader.
    ({"alertname": "FlinkJobNotRunning", "flink_cluster": "b", "job_id": "j2",
      "severity": "critical"}, False),
    # A JobManager down silences its own REST source, not the output source.
    ({"alertname": "FlinkJobManagerDown", "flink_cluster": "c", "jobmanager": "jm-2",
      "severity": "warning"}, False),
    ({"alertname": "FlinkHaExporterSourceFailing", "flink_cluster": "c", "source": "rest/jm-2",
      "jobmanager": "jm-2", "severity": "warning"}, True),
    ({"alertname": "FlinkHaExporterSourceFailing", "flink_cluster": "c",
      "source": "output/./output", "severity": "warning"}, False),
    # All JobManagers down: the single ones and the job alerts follow.
    ({"alertname": "FlinkAllJobManagersDown", "flink_cluster": "d", "severity": "critical"},
     False),
    ({"alertname": "FlinkJobManagerDown", "flink_cluster": "d", "jobmanager": "jm-1",
      "severity": "warning"}, True),
    ({"alertname": "FlinkTaskManagersMissing", "flink_cluster": "d", "severity": "warning"},
     True),
    # ZooKeeper quorum lost: single servers and leadership alerts follow.
    ({"alertname": "FlinkZooKeeperQuorumLost", "flink_cluster": "e", "severity": "critical"},
     False),
    ({"alertname": "FlinkZooKeeperDown", "flink_cluster": "e", "server": "zk-2:2181",
      "severity": "warning"}, True),
    ({"alertname": "FlinkNoStandby", "flink_cluster": "e", "severity": "warning"}, True),
    # Stale checkpoints explain uncommitted output.
    ({"alertname": "FlinkCheckpointsStale", "flink_cluster": "f", "job_id": "j3",
      "severity": "critical"}, False),
    ({"alertname": "FlinkOutputNotCommitted", "flink_cluster": "f", "directory": "/out",
      "severity": "warning"}, True),
    # The info event is never inhibited.
    ({"alertname": "FlinkFailoverHappened", "flink_cluster": "a", "severity": "info"}, False),
]


def request(url, body=None, parse=True):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        text = r.read()
        return json.loads(text) if text and parse else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alertmanager-bin", default=shutil.which("prometheus-alertmanager")
                        or shutil.which("alertmanager") or "alertmanager")
    parser.add_argument("--config", type=pathlib.Path,
                        default=ROOT / "config/alertmanager/alertmanager.yml")
    args = parser.parse_args(argv)

    conf = yaml.safe_load(args.config.read_text())
    conf["receivers"] = [{"name": r["name"]} for r in conf["receivers"]]  # send nothing
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="flinkha-am-"))
    (tmp / "alertmanager.yml").write_text(yaml.safe_dump(conf))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "alertmanager.log", "w")
    proc = None
    failures = []
    try:
        proc = subprocess.Popen(
            [args.alertmanager_bin, f"--config.file={tmp / 'alertmanager.yml'}",
             f"--storage.path={tmp / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
             "--cluster.listen-address="], stdout=log, stderr=log,
            preexec_fn=die_with_parent)
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited with {proc.returncode}")
            try:
                request(f"{base}/-/ready", parse=False)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("alertmanager did not become ready in 20s")
                time.sleep(0.1)
        now = datetime.datetime.now(datetime.timezone.utc)
        fmt = "%Y-%m-%dT%H:%M:%S.000Z"
        request(f"{base}/api/v2/alerts", [
            {"labels": labels, "annotations": {"summary": "test"},
             "startsAt": now.strftime(fmt),
             "endsAt": (now + datetime.timedelta(hours=1)).strftime(fmt)}
            for labels, _ in CASES])
        # Inhibition is evaluated when alerts are listed, against the source alerts
        # Alertmanager's inhibitor has taken in so far (it takes them in on its own goroutine):
        # poll until every alert is listed as expected, or 10 s have passed.
        def mismatches():
            alerts = request(f"{base}/api/v2/alerts") or []
            got = {json.dumps(a["labels"], sort_keys=True): a["status"] for a in alerts}
            out = []
            for labels, inhibited in CASES:
                status = got.get(json.dumps(labels, sort_keys=True))
                if status is None:
                    out.append(f"{labels}: not listed by alertmanager")
                elif bool(status.get("inhibitedBy")) != inhibited:
                    out.append(f"{labels}: expected inhibited={inhibited}, got {status}")
            return out
        listed_by = time.monotonic() + 10
        wrong = mismatches()
        while wrong and time.monotonic() < listed_by:
            time.sleep(0.1)
            wrong = mismatches()
        failures.extend(wrong)
    except (RuntimeError, OSError, ValueError, KeyError) as e:
        failures.append(str(e))
    finally:
        stop(proc)
        log.close()
        if failures:
            sys.stderr.write((tmp / "alertmanager.log").read_text()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    if failures:
        return 1
    print(f"ok: {len(CASES)} alerts, {sum(i for _, i in CASES)} inhibited as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
