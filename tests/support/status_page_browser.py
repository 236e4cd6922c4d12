#!/usr/bin/env python3
"""Opens the exporter's status page in headless Chromium and checks it through the DOM.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands on
fd 3, replies on fd 4, NUL-terminated JSON); Python's standard library only. Checks: the history
SVG is there (and, with --expect-failover, a closed failover mark whose link resolves to its
report row), the page runs no script, logs no console error (a Content-Security-Policy violation
is one), requests nothing but its own URL, and fits a laptop screen's width. Keeps a screenshot
in light and one in dark colour scheme. Prints one JSON line with what it saw; exit status 0
when every check passed.

Chromium runs in its own process group and is killed (SIGKILL to the group) whatever happens:
every wait has a deadline, and the whole run has one (--timeout).
"""
import argparse
import base64
import ctypes
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

# DOM facts the checks use, read in the page.
DOM_QUERY = r"""
JSON.stringify((() => {
  const marks = [...document.querySelectorAll('svg.hist g.failover')].map(g => {
    const a = g.querySelector('a');
    const href = a ? a.getAttribute('href') : null;
    return {
      lost_at: g.dataset.lostAt, duration: g.dataset.duration, href: href,
      resolves: !!(href && document.getElementById(href.slice(1))),
      title: (g.querySelector('title') || {}).textContent || ''
    };
  });
    // Names written in the leader lane, and the words of each span's tooltip
  // ("jm-1 10:00:00-10:05:00", "jm-1 → none → jm-2 (3 states) ...").
  const lane = 'svg.hist g[data-lane="leader"] ';
  const leader = [...document.querySelectorAll(lane + 'text')].map(t => t.textContent)
      .concat([...document.querySelectorAll(lane + 'rect > title')]
          .flatMap(t => t.textContent.split(' ')));
  return {
    title: document.title,
    svgs: document.querySelectorAll('svg.hist').length,
    failovers: marks,
    leader_names: [...new Set(leader)],
    leader_gaps: document.querySelectorAll(lane + 'rect.h-gap').length,
    jobs: document.querySelectorAll('svg.hist g[data-lane="job"]').length,
    scripts: document.scripts.length,
    checks: document.querySelectorAll('table td.ok, table td.bad, table td.info').length,
    scroll_width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight
  };
})())
"""


class Cdp:
    """A DevTools session over the two pipes; events are kept for the checks."""

    def __init__(self, to_chrome, from_chrome, deadline):
        self.w = to_chrome
        self.r = from_chrome
        self.deadline = deadline
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, until):
        while b"\0" not in self.buf:
            left = min(until, self.deadline) - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=20):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        until = time.monotonic() + timeout
        while True:
            m = self._read_message(until)
            if m is None:
                raise TimeoutError(f"no answer to {method} within {timeout} s")
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=20):
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        until = time.monotonic() + timeout
        while True:
            m = self._read_message(until)
            if m is None:
                raise TimeoutError(f"no {method} within {timeout} s")
            if m.get("method") == method:
                return m
            self.events.append(m)

    def drain(self, seconds):
        until = time.monotonic() + seconds
        while True:
            m = self._read_message(until)
            if m is None:
                return
            self.events.append(m)

    def take(self, method):
        out = [e for e in self.events if e.get("method") == method]
        self.events = [e for e in self.events if e.get("method") != method]
        return out


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def high_fd(fd):
    """A copy of fd numbered above 10, so the child's dup2 onto 3 and 4 cannot clobber it."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


def launch(binary, profile, to_chrome_r, from_chrome_w):
    def child():
        # fds 3 and 4 are the DevTools pipe; Chromium dies with this script.
        os.dup2(to_chrome_r, 3)
        os.dup2(from_chrome_w, 4)
        try:
            ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass

    args = [binary, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
            "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
            "--user-data-dir=" + profile, "--window-size=1366,900", "about:blank"]
    # close_fds=False: it would close 3 and 4 after child() ran. Python's own fds are
    # close-on-exec, so only the two dup2'ed ones reach Chromium.
    return subprocess.Popen(args, preexec_fn=child, close_fds=False,
                            start_new_session=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def screenshot(cdp, session, path, width):
    metrics = cdp.call("Page.getLayoutMetrics", session=session)
    height = int(min(6000, max(600, metrics["cssContentSize"]["height"])))
    cdp.call("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
             session=session)
    shot = cdp.call("Page.captureScreenshot", {"format": "png"}, session=session, timeout=30)
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    cdp.call("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
             session=session)


def check(opts, cdp, session, seen):
    problems = seen["problems"]
    origin = urllib.parse.urlsplit(opts.url)
    target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = cdp.call("Target.attachToTarget",
                       {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        cdp.call(domain + ".enable", session=session)
    cdp.call("Emulation.setDeviceMetricsOverride",
             {"width": opts.width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
             session=session)
    # The history is sampled every 2 s: look again until the failover shows or time is up.
    until = time.monotonic() + opts.wait
    while True:
        cdp.call("Page.navigate", {"url": opts.url}, session=session)
        cdp.wait_event("Page.loadEventFired", timeout=30)
        cdp.drain(0.5)
        res = cdp.call("Runtime.evaluate", {"expression": DOM_QUERY, "returnByValue": True},
                       session=session)
        dom = json.loads(res["result"]["value"])
        closed = [m for m in dom["failovers"] if m["duration"] != "open"]
        if not opts.expect_failover or closed or time.monotonic() > until:
            break
        time.sleep(2)
    seen["dom"] = dom
    body = cdp.call("Runtime.evaluate",
                    {"expression": "document.body.textContent", "returnByValue": True},
                    session=session)["result"]["value"]
    shot = opts.screenshot
    screenshot(cdp, session, shot, opts.width)
    cdp.call("Emulation.setEmulatedMedia",
             {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
             session=session)
    dark = os.path.splitext(shot)[0] + "-dark.png"
    screenshot(cdp, session, dark, opts.width)
    seen["screenshots"] = [shot, dark]
    cdp.drain(0.3)

    # Console errors (CSP violations included) and exceptions.
    errors = []
    for e in cdp.take("Runtime.consoleAPICalled"):
        if e["params"]["type"] in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                   for a in e["params"]["args"]))
    for e in cdp.take("Runtime.exceptionThrown"):
        errors.append(e["params"]["exceptionDetails"].get("text", "exception"))
    for e in cdp.take("Log.entryAdded"):
        entry = e["params"]["entry"]
        if entry["level"] == "error":
            errors.append(entry.get("text", "") + " " + entry.get("url", ""))
    seen["console_errors"] = errors
    # Every request the page made: its own URL only.
    urls = [e["params"]["request"]["url"] for e in cdp.take("Network.requestWillBeSent")]
    seen["requests"] = sorted(set(urls))
    foreign = [u for u in urls
               if urllib.parse.urlsplit(u)[:3] != origin[:3] and not u.startswith("data:")]
    seen["foreign_requests"] = foreign

    if errors:
        problems.append(f"console errors: {errors}")
    if foreign:
        problems.append(f"requests outside the page: {foreign}")
    if not urls:
        problems.append("no request seen at all (Network events missing)")
    if dom["svgs"] < 1:
        problems.append("no history SVG")
    if dom["scripts"]:
        problems.append(f"{dom['scripts']} script element(s)")
    if dom["checks"] < 1:
        problems.append("the checks table is gone")
    if dom["scroll_width"] > opts.width:
        problems.append(f"wider than {opts.width} px: {dom['scroll_width']}")
    if opts.expect_failover:
        closed = [m for m in dom["failovers"] if m["duration"] != "open"]
        if not closed:
            problems.append(f"no closed failover mark: {dom['failovers']}")
        elif not closed[-1]["resolves"]:
            problems.append(f"failover link does not resolve: {closed[-1]}")
        if dom["leader_gaps"] < 1:
            problems.append("no gap without a serving leader on the timeline")
    for name in opts.expect_leader:
        if name not in dom["leader_names"]:
            problems.append(f"leader {name} not named: {dom['leader_names']}")
    for text in opts.expect_text:
        if text not in body:
            problems.append(f"text {text!r} not in the page")


def run(opts, deadline):
    seen = {"problems": []}
    binary = find_chromium()
    if not binary:
        seen["problems"].append("chromium is not installed (scripts/setup.sh --test)")
        return seen
    profile = tempfile.mkdtemp(prefix="flinkha-chromium-")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    to_chrome_r, from_chrome_w = high_fd(to_chrome_r), high_fd(from_chrome_w)
    proc = launch(binary, profile, to_chrome_r, from_chrome_w)
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    try:
        cdp = Cdp(to_chrome_w, from_chrome_r, deadline)
        check(opts, cdp, None, seen)
        try:
            cdp.call("Browser.close", timeout=5)
        except (TimeoutError, RuntimeError):
            pass
    except Exception as e:  # noqa: BLE001: report, then clean up
        seen["problems"].append(f"{type(e).__name__}: {e}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            seen["problems"].append("chromium did not exit after SIGKILL")
        os.close(to_chrome_w)
        os.close(from_chrome_r)
        shutil.rmtree(profile, ignore_errors=True)
    return seen


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--screenshot", required=True, help="PNG path (a -dark.png goes beside it)")
    p.add_argument("--expect-failover", action="store_true")
    p.add_argument("--expect-leader", action="append", default=[])
    p.add_argument("--expect-text", action="append", default=[])
    p.add_argument("--wait", type=float, default=20, help="seconds to wait for a failover mark")
    p.add_argument("--width", type=int, default=1366)
    p.add_argument("--timeout", type=float, default=90)
    opts = p.parse_args()
    deadline = time.monotonic() + opts.timeout
    # A last resort: the run never outlives its deadline (Chromium dies with us, and the
    # finally above kills its group on the way out).
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("status_page_browser: timed out"))
    signal.alarm(int(opts.timeout) + 15)
    seen = run(opts, deadline)
    print(json.dumps(seen))
    for s in seen.get("screenshots", []):
        print(f"status_page_browser: screenshot {s}")
    for problem in seen["problems"]:
        print(f"status_page_browser: FAIL {problem}")
    return 1 if seen["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
