#!/usr/bin/env python3
"""Writes the Grafana dashboards in this directory (flink-*.json) from one description.

The JSON files are checked in for operators to import; edit this script, run it, and commit
both. `generate.py --check` fails when a checked-in file differs from what it would write.
"""
import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DS = {"type": "prometheus", "uid": "${datasource}"}
C = 'flink_cluster=~"$cluster"'  # the cluster filter every Flink selector carries
I = 'instance=~"$instance"'  # the exporter filter for series without flink_cluster

JOB_STATES = ["RUNNING", "RESTARTING", "INITIALIZING", "CREATED", "RECONCILING", "FAILING",
              "FAILED", "CANCELLING", "CANCELED", "FINISHED", "SUSPENDED"]


def datasource_var():
    return {"name": "datasource", "label": "Data source", "type": "datasource",
            "query": "prometheus", "current": {}, "hide": 0, "includeAll": False,
            "multi": False, "options": [], "refresh": 1, "regex": ""}


def query_var(name, label, query, multi=True):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "query": query, "definition": query, "current": {}, "hide": 0,
            "includeAll": multi, "multi": multi, "options": [], "refresh": 2, "regex": "",
            "sort": 1}


CLUSTER_VAR = query_var("cluster", "Flink cluster",
                        "label_values(flinkha_jobmanager_up, flink_cluster)")
INSTANCE_VAR = query_var("instance", "Exporter",
                         'label_values(flinkha_source_up{flink_cluster=~"$cluster"}, instance)')


def target(expr, legend="", instant=False, fmt="time_series", ref="A"):
    t = {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref,
         "range": not instant, "instant": instant}
    if fmt != "time_series":
        t["format"] = fmt
    return t


def mapping(values):
    """Value mappings for a panel: {value: (text, color)}."""
    return [{"type": "value",
             "options": {str(v): {"text": t, "color": c, "index": i}
                         for i, (v, (t, c)) in enumerate(values.items())}}]


class Board:
    """Lays panels out left to right in a 24-column grid, wrapping as needed."""

    def __init__(self, uid, title, description, variables, tags=()):
        self.uid, self.title, self.description = uid, title, description
        self.variables = variables
        self.tags = ["flink", "flink-ha-exporter", *tags]
        self.panels = []
        self.x = self.y = self.row_h = 0

    def _place(self, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        pos = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def row(self, title):
        self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        self.panels.append({"type": "row", "title": title, "collapsed": False, "panels": [],
                            "id": len(self.panels) + 1, "gridPos": self._place(24, 1)})
        self.x, self.y, self.row_h = 0, self.y + 1, 0

    def panel(self, kind, title, targets, w=8, h=8, unit=None, description="",
              mappings=None, thresholds=None, options=None, custom=None, decimals=None,
              min_value=None):
        refs = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for i, t in enumerate(targets):
            t["refId"] = refs[i]
        defaults = {"color": {"mode": "palette-classic" if kind == "timeseries"
                              else "thresholds"}}
        if unit:
            defaults["unit"] = unit
        if decimals is not None:
            defaults["decimals"] = decimals
        if min_value is not None:
            defaults["min"] = min_value
        if mappings:
            defaults["mappings"] = mapping(mappings)
        steps = [{"color": "green", "value": None}]
        for value, color in (thresholds or []):
            steps.append({"color": color, "value": value})
        defaults["thresholds"] = {"mode": "absolute", "steps": steps}
        if custom:
            defaults["custom"] = custom
        p = {"type": kind, "title": title, "description": description,
             "datasource": DS, "id": len(self.panels) + 1, "gridPos": self._place(w, h),
             "targets": targets, "fieldConfig": {"defaults": defaults, "overrides": []},
             "options": options or {}}
        if kind == "stat":
            p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                              "values": False},
                            "colorMode": "background", "graphMode": "none",
                            "textMode": "auto", "orientation": "auto", **(options or {})}
        if kind == "timeseries":
            p["options"] = {"legend": {"displayMode": "list", "placement": "bottom",
                                       "showLegend": True},
                            "tooltip": {"mode": "multi", "sort": "desc"}, **(options or {})}
        if kind == "state-timeline":
            p["options"] = {"showValue": "auto", "mergeValues": True, "rowHeight": 0.9,
                            "alignValue": "left",
                            "legend": {"displayMode": "list", "placement": "bottom",
                                       "showLegend": True}, **(options or {})}
        self.panels.append(p)
        return p

    def json(self):
        return {
            "annotations": {"list": [{
                "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                "name": "Annotations & Alerts", "type": "dashboard"}]},
            "description": self.description,
            "editable": True,
            "fiscalYearStartMonth": 0,
            "graphTooltip": 1,
            "id": None,
            "links": [{"type": "dashboards", "tags": ["flink-ha-exporter"], "asDropdown": True,
                       "title": "Flink HA", "includeVars": True, "keepTime": True}],
            "panels": self.panels,
            "refresh": "30s",
            "schemaVersion": 38,
            "tags": self.tags,
            "templating": {"list": self.variables},
            "time": {"from": "now-6h", "to": "now"},
            "timepicker": {},
            "timezone": "",
            "title": self.title,
            "uid": self.uid,
            "version": 1,
            "weekStart": "",
        }


UP_DOWN = {0: ("down", "red"), 1: ("up", "green")}
YES_NO_BAD = {0: ("no", "green"), 1: ("YES", "red")}
NO_YES_GOOD = {0: ("NO", "red"), 1: ("yes", "green")}


def overview():
    b = Board("flink-ha-overview", "Flink HA / Overview",
              "Leadership, failovers and ZooKeeper of Flink clusters in ZooKeeper HA mode "
              "(flink-ha-exporter).", [datasource_var(), CLUSTER_VAR], ["ha"])
    b.row("Leadership")
    b.panel("stat", "JobManagers up",
            [target(f"flink_cluster:flinkha_jobmanagers_up:sum{{{C}}}", "{{flink_cluster}} up"),
             target(f"flink_cluster:flinkha_jobmanagers:count{{{C}}}",
                    "{{flink_cluster}} configured")],
            w=4, h=5, description="JobManagers whose REST endpoint answers, of those configured.",
            thresholds=[(0, "red"), (1, "green")],
            options={"colorMode": "value"})
    b.panel("stat", "Leader known",
            [target(f"min by (flink_cluster, component) (flinkha_leader_known{{{C}}})",
                    "{{flink_cluster}} {{component}}")],
            w=5, h=5, mappings=NO_YES_GOOD, thresholds=[(0, "red"), (1, "green")],
            description="Whether ZooKeeper names a leader for each component.")
    b.panel("stat", "Contenders",
            [target(f"flinkha_contenders{{{C}}}", "{{flink_cluster}} {{latch}}")],
            w=5, h=5, thresholds=[(0, "red"), (2, "green")],
            description="Processes in each leader latch; fewer than 2 means no standby.")
    b.panel("stat", "Standby available",
            [target(f"flinkha_standby_available{{{C}}}", "{{flink_cluster}}")],
            w=5, h=5, mappings=NO_YES_GOOD, thresholds=[(0, "red"), (1, "green")])
    b.panel("stat", "Split brain",
            [target(f"flinkha_split_brain{{{C}}}", "{{flink_cluster}}")],
            w=5, h=5, mappings=YES_NO_BAD, thresholds=[(0, "green"), (1, "red")],
            description="Two endpoints claim different leaders.")
    b.panel("state-timeline", "JobManager roles",
            [target(f"flink_cluster_jobmanager:flinkha_jobmanager_role:max{{{C}}}",
                    "{{flink_cluster}} / {{jobmanager}}")],
            w=24, h=7,
            mappings={0: ("down", "red"), 1: ("standby", "blue"), 2: ("leader", "green")},
            description="Leader (leads a component in ZooKeeper), standby (REST up, not "
                        "leading) or down (REST unreachable), per configured JobManager.")
    b.panel("state-timeline", "Leader by component",
            [target(f"max by (flink_cluster, component, jobmanager) "
                    f"(flinkha_leader_info{{{C}}})",
                    "{{flink_cluster}} {{component}}: {{jobmanager}}")],
            w=24, h=7, mappings={1: ("leader", "green")},
            description="Which JobManager ZooKeeper names leader of each component "
                        "(flinkha_leader_info).")
    b.panel("table", "Current leaders",
            [target(f"flink_cluster_component:flinkha_leader_jobmanager:info{{{C}}}",
                    instant=True, fmt="table")],
            w=12, h=6,
            options={"showHeader": True},
            description="Leader address as written in ZooKeeper and the configured "
                        "JobManager it matches.")
    b.panel("timeseries", "Leader changes",
            [target(f"increase(flinkha_leader_changes_total{{{C}}}[$__rate_interval])",
                    "{{flink_cluster}} {{component}}")],
            w=6, h=6, decimals=0, custom={"drawStyle": "bars", "fillOpacity": 80})
    b.panel("stat", "Since last leader change",
            [target(f"time() - max by (flink_cluster) "
                    f"(flinkha_leader_last_change_timestamp_seconds{{{C}}})",
                    "{{flink_cluster}}")],
            w=6, h=6, unit="s", options={"colorMode": "none"})

    b.row("Failovers")
    b.panel("stat", "Failovers in range",
            [target(f"round(increase(flinkha_failovers_total{{{C}}}[$__range]))",
                    "{{flink_cluster}}", instant=True)],
            w=4, h=6, thresholds=[(1, "orange")])
    b.panel("stat", "Last failover duration",
            [target(f"flinkha_last_failover_duration_seconds{{{C}}}", "{{flink_cluster}}")],
            w=4, h=6, unit="s", thresholds=[(30, "orange"), (120, "red")],
            description="Leaderless time of the last failover (no leader -> new leader). "
                        "Empty until the exporter has seen a failover.")
    b.panel("bargauge", "Recovery after the last failover",
            [target(f"flinkha_failover_recovery_seconds{{{C}}}",
                    "{{flink_cluster}} {{phase}}")],
            w=8, h=6, unit="s",
            options={"orientation": "horizontal", "displayMode": "basic",
                     "reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                       "values": False}},
            description="Seconds from the failover until the job ran again, the first "
                        "checkpoint completed and the first output file appeared.")
    b.panel("timeseries", "Failovers",
            [target(f"increase(flinkha_failovers_total{{{C}}}[$__rate_interval])",
                    "{{flink_cluster}}")],
            w=8, h=6, decimals=0, custom={"drawStyle": "bars", "fillOpacity": 80})
    b.panel("timeseries", "Leaderless time",
            [target(f"increase(flinkha_leaderless_seconds_total{{{C}}}[$__rate_interval])",
                    "{{flink_cluster}}")],
            w=12, h=6, unit="s",
            description="Seconds without a known leader per interval.")
    b.panel("timeseries", "JobManager up",
            [target(f"flinkha_jobmanager_up{{{C}}}", "{{flink_cluster}} / {{jobmanager}}"),
             target(f"flinkha_jobmanager_leader_election_in_progress{{{C}}}",
                    "{{flink_cluster}} / {{jobmanager}} election in progress")],
            w=12, h=6, min_value=0, custom={"lineInterpolation": "stepAfter"})

    b.row("JobManagers")
    b.panel("table", "JobManager versions",
            [target(f"flinkha_jobmanager_info{{{C}}}", instant=True, fmt="table")],
            w=12, h=6)
    b.panel("timeseries", "Cluster data from",
            [target(f"flinkha_cluster_data_jobmanager{{{C}}}",
                    "{{flink_cluster}} / {{jobmanager}}")],
            w=12, h=6, custom={"lineInterpolation": "stepAfter"},
            description="Which JobManager's REST answers the cluster-level series come from.")

    b.row("ZooKeeper")
    b.panel("state-timeline", "ZooKeeper servers",
            [target(f"flinkha_zookeeper_up{{{C}}}", "{{flink_cluster}} {{server}}")],
            w=12, h=6, mappings=UP_DOWN)
    b.panel("table", "ZooKeeper server mode",
            [target(f"flinkha_zookeeper_server_mode{{{C}}} == 1", instant=True, fmt="table")],
            w=6, h=6)
    b.panel("stat", "Exporter's ZooKeeper session",
            [target(f"flinkha_zookeeper_session_connected{{{C}}}", "{{flink_cluster}}"),
             target(f"increase(flinkha_zookeeper_session_expirations_total{{{C}}}[$__range])",
                    "{{flink_cluster}} expirations", instant=True)],
            w=6, h=6, mappings={0: ("disconnected", "red"), 1: ("connected", "green")})
    b.panel("timeseries", "ZooKeeper latency",
            [target(f"flinkha_zookeeper_latency_seconds{{{C}}}",
                    "{{flink_cluster}} {{server}} {{stat}}")],
            w=8, h=6, unit="s")
    b.panel("timeseries", "ZooKeeper outstanding requests",
            [target(f"flinkha_zookeeper_outstanding_requests{{{C}}}",
                    "{{flink_cluster}} {{server}}")],
            w=8, h=6)
    b.panel("timeseries", "ZooKeeper connections and znodes",
            [target(f"flinkha_zookeeper_connections{{{C}}}",
                    "{{flink_cluster}} {{server}} connections"),
             target(f"flinkha_zookeeper_znodes{{{C}}}", "{{flink_cluster}} {{server}} znodes")],
            w=8, h=6)
    b.panel("table", "Four-letter words allowed",
            [target(f"flinkha_zookeeper_four_letter_word_allowed{{{C}}}", instant=True,
                    fmt="table")],
            w=24, h=5,
            description="Which four-letter words each server answers (4lw.commands.whitelist); "
                        "srvr is enough, mntr adds latency and znode counts.")
    return b


def jobs():
    b = Board("flink-jobs-checkpoints", "Flink HA / Jobs and checkpoints",
              "Jobs, TaskManagers and checkpoints of Flink clusters (flink-ha-exporter).",
              [datasource_var(), CLUSTER_VAR], ["jobs"])
    b.row("Cluster")
    b.panel("stat", "TaskManagers",
            [target(f"flinkha_taskmanagers{{{C}}}", "{{flink_cluster}}"),
             target(f"flinkha_taskmanagers_expected{{{C}}}", "{{flink_cluster}} expected")],
            w=6, h=5, options={"colorMode": "value"})
    b.panel("stat", "Task slots",
            [target(f"flinkha_task_slots{{{C}}}", "{{flink_cluster}} total"),
             target(f"flinkha_task_slots_available{{{C}}}", "{{flink_cluster}} free")],
            w=6, h=5, options={"colorMode": "value"})
    b.panel("bargauge", "Jobs by state",
            [target(f"flinkha_jobs{{{C}}}", "{{flink_cluster}} {{state}}")],
            w=12, h=5,
            options={"orientation": "horizontal", "displayMode": "basic",
                     "reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                       "values": False}})
    b.row("TaskManagers")
    b.panel("stat", "TaskManagers lost in range",
            [target(f"round(increase(flinkha_taskmanagers_lost_total{{{C}}}[$__range]))",
                    "{{flink_cluster}}", instant=True)],
            w=4, h=7, thresholds=[(1, "orange")],
            description="TaskManagers that left GET /taskmanagers of the preferred JobManager "
                        "and did not come back within taskmanager_lost_after (failovers and "
                        "REST errors restart that wait). Alert: FlinkTaskManagerLost.")
    b.panel("timeseries", "Free slots per TaskManager",
            [target(f"flinkha_taskmanager_slots_available{{{C}}}",
                    "{{flink_cluster}} {{taskmanager}}")],
            w=10, h=7, min_value=0,
            description="freeSlots of each TaskManager (GET /taskmanagers); a line that ends "
                        "is a TaskManager that left.")
    b.panel("timeseries", "Heartbeat age per TaskManager",
            [target(f"time() - flinkha_taskmanager_last_heartbeat_timestamp_seconds{{{C}}}",
                    "{{flink_cluster}} {{taskmanager}}")],
            w=10, h=7, unit="s", min_value=0,
            description="Seconds since the ResourceManager last heard from each TaskManager "
                        "(Flink's heartbeat.timeout, default 50 s, deregisters it).")
    b.row("Jobs")
    encoded = " or ".join(f'flinkha_job_state{{{C}, state="{s}"}} * {i + 1}'
                          for i, s in enumerate(JOB_STATES))
    b.panel("state-timeline", "Job state",
            [target(f"sum by (flink_cluster, job_id, job_name) ({encoded})",
                    "{{flink_cluster}} / {{job_name}}")],
            w=24, h=7,
            mappings={i + 1: (s, "green" if s == "RUNNING" else
                              "orange" if s in ("RESTARTING", "INITIALIZING", "CREATED",
                                                "RECONCILING") else "red")
                      for i, s in enumerate(JOB_STATES)},
            description="Job state from GET /jobs/overview of the leading JobManager.")
    b.panel("table", "Jobs",
            [target(f"flinkha_job_state{{{C}}} == 1", instant=True, fmt="table")],
            w=12, h=6)
    b.panel("stat", "Job uptime",
            [target(f"time() - flinkha_job_start_time_seconds{{{C}}}", "{{job_name}}")],
            w=6, h=6, unit="s", options={"colorMode": "none"})
    b.panel("stat", "Since last state change",
            [target(f"time() - flinkha_job_last_modification_timestamp_seconds{{{C}}}",
                    "{{job_name}}")],
            w=6, h=6, unit="s", options={"colorMode": "none"})
    b.panel("timeseries", "Restarts (numRestarts of the current JobMaster)",
            [target(f"flinkha_job_restarts{{{C}}}", "{{flink_cluster}} / {{job_name}}")],
            w=12, h=7, decimals=0,
            description="Restarts counted by the current JobMaster; they start from 0 again "
                        "after a JobManager failover.")
    b.panel("timeseries", "JobMaster leader known",
            [target(f"flinkha_job_leader_known{{{C}}}", "{{flink_cluster}} / {{job_id}}")],
            w=12, h=7, min_value=0, custom={"lineInterpolation": "stepAfter"})
    b.panel("timeseries", "Tasks not running in RUNNING jobs",
            [target(f"(flinkha_job_tasks{{{C}}} - flinkha_job_tasks_running{{{C}}}) "
                    f"and on (flink_cluster, job_id) flinkha_job_state{{{C},state=\"RUNNING\"}} == 1",
                    "{{flink_cluster}} / {{job_name}}")],
            w=12, h=7, min_value=0, decimals=0, custom={"lineInterpolation": "stepAfter"},
            description="Tasks of a RUNNING job that are not running: a pipelined region "
                        "restarting or waiting for slots (region failover keeps the job RUNNING). "
                        "Alert: FlinkJobTasksNotRunning.")
    b.panel("timeseries", "Backpressure (busiest vertex)",
            [target(f"flinkha_job_backpressured_ratio{{{C}}}", "{{flink_cluster}} / {{job_name}}")],
            w=12, h=7, unit="percentunit", min_value=0,
            description="Share of time the job's most backpressured vertex spent backpressured "
                        "between two reads of /jobs/<jid> (about every two minutes). Alert: "
                        "FlinkJobBackpressured above half for 15m.")
    b.panel("timeseries", "Failures by exception class",
            [target(f"sum by (flink_cluster, exception_class) "
                    f"(increase(flinkha_job_failures_total{{{C}}}[$__rate_interval]))",
                    "{{flink_cluster}} / {{exception_class}}")],
            w=12, h=7, min_value=0,
            description="New entries of the jobs' exception histories by exception class (the "
                        "first 20 classes, then \"other\"). The messages are on the exporter's "
                        "status page and in `flink-ha-exporter status`.")

    b.row("Checkpoints")
    b.panel("timeseries", "Checkpoint age",
            [target(f"flink_cluster_job_id:flinkha_checkpoint_age_seconds:current{{{C}}}",
                    "{{flink_cluster}} / {{job_name}}"),
             target(f"flink_cluster_job_id:flinkha_checkpoint_stale_threshold_seconds:current"
                    f"{{{C}}}", "{{flink_cluster}} / {{job_name}} stale threshold")],
            w=12, h=8, unit="s",
            description="Seconds since the newest completed checkpoint; the threshold is "
                        "max(interval, timeout) x (tolerable failures + 2).")
    b.panel("timeseries", "Checkpoint counts (current JobMaster)",
            [target(f"flinkha_checkpoints_completed{{{C}}}", "{{job_name}} completed"),
             target(f"flinkha_checkpoints_failed{{{C}}}", "{{job_name}} failed"),
             target(f"flinkha_checkpoints_in_progress{{{C}}}", "{{job_name}} in progress"),
             target(f"flinkha_checkpoints_restored{{{C}}}", "{{job_name}} restored")],
            w=12, h=8, decimals=0,
            description="Flink's counts; they start from 0 after a JobManager failover.")
    b.panel("timeseries", "Checkpoint duration",
            [target(f"flinkha_checkpoint_last_duration_seconds{{{C}}}", "{{job_name}}")],
            w=8, h=7, unit="s")
    b.panel("timeseries", "Checkpoint size",
            [target(f"flinkha_checkpoint_last_size_bytes{{{C}}}", "{{job_name}}")],
            w=8, h=7, unit="bytes")
    b.panel("timeseries", "Checkpoint id: REST and ZooKeeper",
            [target(f"flinkha_checkpoint_last_completed_id{{{C}}}", "{{job_name}} REST"),
             target(f"flinkha_zookeeper_latest_checkpoint_id{{{C}}}",
                    "{{job_id}} ZooKeeper"),
             target(f"flinkha_checkpoint_last_restored_id{{{C}}}", "{{job_name}} restored")],
            w=8, h=7, decimals=0,
            description="The newest completed checkpoint from REST and from ZooKeeper's HA "
                        "pointers (readable while REST is down), and the one restored from.")
    b.panel("stat", "Since last failed checkpoint",
            [target(f"time() - flinkha_checkpoint_last_failure_timestamp_seconds{{{C}}}",
                    "{{job_name}}")],
            w=8, h=5, unit="s", options={"colorMode": "none"})
    b.panel("stat", "Since last restore",
            [target(f"time() - flinkha_checkpoint_last_restore_timestamp_seconds{{{C}}}",
                    "{{job_name}}")],
            w=8, h=5, unit="s", options={"colorMode": "none"})
    b.panel("table", "Checkpoint configuration",
            [target(f"flinkha_checkpoint_interval_seconds{{{C}}}", instant=True, fmt="table"),
             target(f"flinkha_checkpoint_timeout_seconds{{{C}}}", instant=True, fmt="table"),
             target(f"flinkha_checkpoint_tolerable_failures{{{C}}}", instant=True,
                    fmt="table")],
            w=8, h=5,
            options={"showHeader": True},
            description="A: interval (s), B: timeout (s), C: tolerable failed checkpoints.")
    return b


def output():
    b = Board("flink-output", "Flink HA / Output",
              "FileSink output directories watched by flink-ha-exporter.",
              [datasource_var(), CLUSTER_VAR], ["output"])
    b.panel("timeseries", "Age of the newest finished file and in-progress write",
            [target(f"flink_cluster_directory:flinkha_output_age_seconds:current{{{C}}}",
                    "{{flink_cluster}} {{directory}}"),
             target(f"flink_cluster_directory:flinkha_output_in_progress_write_age_seconds"
                    f":current{{{C}}}",
                    "{{flink_cluster}} {{directory}} in-progress write"),
             target(f"flink_cluster:flinkha_output_stall_threshold_seconds:current{{{C}}}",
                    "{{flink_cluster}} stall threshold")],
            w=12, h=8, unit="s",
            description="A healthy FileSink commits a file about once per checkpoint. An "
                        "in-progress write older than the threshold means nobody writes: "
                        "files left by an attempt that died.")
    b.panel("timeseries", "Files",
            [target(f"flinkha_output_files{{{C}}}", "{{flink_cluster}} {{directory}} {{state}}")],
            w=12, h=8, decimals=0)
    b.panel("timeseries", "New finished files per minute",
            [target(f"rate(flinkha_output_files_created_total{{{C}}}[$__rate_interval]) * 60",
                    "{{flink_cluster}} {{directory}}")],
            w=8, h=7)
    b.panel("timeseries", "Rows per second",
            [target(f"rate(flinkha_output_rows_total{{{C}}}[$__rate_interval])",
                    "{{flink_cluster}} {{directory}}")],
            w=8, h=7,
            description="Only when the exporter counts rows (count_rows).")
    b.panel("timeseries", "Bytes in finished files",
            [target(f"flinkha_output_bytes{{{C}}}", "{{flink_cluster}} {{directory}}")],
            w=8, h=7, unit="bytes")
    b.panel("stat", "Directory readable",
            [target(f"flinkha_output_directory_readable{{{C}}}",
                    "{{flink_cluster}} {{directory}}")],
            w=8, h=5, mappings=NO_YES_GOOD, thresholds=[(0, "red"), (1, "green")])
    b.panel("stat", "Rows",
            [target(f"flinkha_output_rows_total{{{C}}}", "{{flink_cluster}} {{directory}}")],
            w=8, h=5, options={"colorMode": "none"})
    b.panel("stat", "Finished files",
            [target(f'flinkha_output_files{{{C}, state="finished"}}',
                    "{{flink_cluster}} {{directory}}")],
            w=8, h=5, options={"colorMode": "none"})
    return b


def exporter():
    b = Board("flink-ha-exporter", "Flink HA / Exporter",
              "Health of flink-ha-exporter: sources, reloads, scrapes.",
              [datasource_var(), CLUSTER_VAR, INSTANCE_VAR], ["exporter"])
    b.panel("state-timeline", "Source up",
            [target(f"flinkha_source_up{{{C}}}", "{{flink_cluster}} {{source}}")],
            w=24, h=8, mappings=UP_DOWN,
            description="Whether the last attempt of each source succeeded.")
    b.panel("timeseries", "Source errors",
            [target(f"increase(flinkha_source_errors_total{{{C}}}[$__rate_interval])",
                    "{{flink_cluster}} {{source}}")],
            w=12, h=7, decimals=0)
    b.panel("timeseries", "Since last success",
            [target(f"time() - flinkha_source_last_success_timestamp_seconds{{{C}}}",
                    "{{flink_cluster}} {{source}}")],
            w=12, h=7, unit="s")
    b.panel("timeseries", "JobManager REST poll duration",
            [target(f"flinkha_jobmanager_request_duration_seconds{{{C}}}",
                    "{{flink_cluster}} / {{jobmanager}}")],
            w=12, h=7, unit="s")
    b.panel("timeseries", "Scrape duration",
            [target(f"scrape_duration_seconds{{{I}}}", "{{instance}}")],
            w=6, h=7, unit="s",
            description="Prometheus' own scrape of the exporter (scrape_duration_seconds).")
    b.panel("timeseries", "Samples per scrape",
            [target(f"scrape_samples_scraped{{{I}}}", "{{instance}}")],
            w=6, h=7, decimals=0)
    b.panel("stat", "Config reload",
            [target(f"flinkha_config_last_reload_successful{{{I}}}", "{{instance}}")],
            w=6, h=5, mappings={0: ("failed", "red"), 1: ("ok", "green")},
            thresholds=[(0, "red"), (1, "green")])
    b.panel("stat", "Since last successful load",
            [target(f"time() - flinkha_config_last_reload_success_timestamp_seconds{{{I}}}",
                    "{{instance}}")],
            w=6, h=5, unit="s", options={"colorMode": "none"})
    b.panel("stat", "Exporter up",
            [target(f"up{{{I}}}", "{{instance}}"),
             target(f"time() - flinkha_start_time_seconds{{{I}}}", "{{instance}} uptime")],
            w=6, h=5, mappings=UP_DOWN, options={"colorMode": "value"})
    b.panel("table", "Build",
            [target(f"flinkha_build_info{{{I}}}", instant=True, fmt="table")],
            w=6, h=5)
    return b


BOARDS = {"flink-ha-overview.json": overview, "flink-jobs-checkpoints.json": jobs,
          "flink-output.json": output, "flink-ha-exporter.json": exporter}


def render(make):
    return json.dumps(make().json(), indent=2, sort_keys=False) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="fail when a checked-in dashboard differs from the generated one")
    parser.add_argument("--out", type=pathlib.Path, default=HERE)
    args = parser.parse_args()
    stale = []
    for name, make in BOARDS.items():
        text = render(make)
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print("dashboards differ from dashboards/generate.py: " + ", ".join(stale) +
              " (run dashboards/generate.py and commit)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
