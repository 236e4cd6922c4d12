#!/usr/bin/python3
"""Opens the exporter's status page in headless Chromium and checks it through the DOM.

Chromium is driven by Selenium through chromedriver (Debian's python3-selenium and
chromium-driver; run with Debian's /usr/bin/python3, where python3-selenium lives). Checks: the
history SVG is there (and, with --expect-failover, a closed failover mark whose link resolves to
its report row), the page runs no script, logs no console error (the browser log: a
Content-Security-Policy violation or a failed load is one), requests nothing but its own URL
(the performance log's Network events), fits a laptop screen's width, and switches to its dark
colours when the browser prefers a dark scheme. Keeps a screenshot in light and one in dark
colour scheme. Prints one JSON line with what it saw; exit status 0 when every check passed.

Chromium starts with a fresh profile and no background networking (the machine may have no
outside network). chromedriver runs in its own process group and dies with this script; every
process still naming the profile or in that group is killed (SIGKILL) whatever happens, and the
whole run has a deadline (--timeout).
"""
import argparse
import base64
import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
except ImportError:  # reported as a problem below
    webdriver = None

# DOM facts the checks use, read in the page.
DOM_QUERY = r"""
return (() => {
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
})()
"""
BACKGROUND = "return getComputedStyle(document.body).backgroundColor"

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMEDRIVER = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def first_existing(paths):
    return next((p for p in paths if os.access(p, os.X_OK)), None)


def die_with_parent():
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start_driver(opts, binary, driver_path, profile):
    o = webdriver.ChromeOptions()
    o.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, f"--window-size={opts.width},900"):
        o.add_argument(arg)
    # Console messages and Network events, read back with get_log.
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=driver_path, log_path=os.devnull,
                      popen_kw={"start_new_session": True, "preexec_fn": die_with_parent})
    driver = webdriver.Chrome(service=service, options=o)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(20)
    return driver


def set_viewport(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1,
                            "mobile": False})


def screenshot(driver, path, width):
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    height = int(min(6000, max(600, metrics["cssContentSize"]["height"])))
    set_viewport(driver, width, height)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    set_viewport(driver, width, 900)


def check(opts, driver, seen):
    problems = seen["problems"]
    origin = urllib.parse.urlsplit(opts.url)
    set_viewport(driver, opts.width, 900)
    # Start from a blank page and an empty log: Chromium's own start-up pages are not ours.
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    # The history is sampled every 2 s: look again until the failover shows or time is up.
    until = time.monotonic() + opts.wait
    while True:
        driver.get(opts.url)  # returns once the load event fired
        time.sleep(0.5)
        dom = driver.execute_script(DOM_QUERY)
        closed = [m for m in dom["failovers"] if m["duration"] != "open"]
        if not opts.expect_failover or closed or time.monotonic() > until:
            break
        time.sleep(2)
    seen["dom"] = dom
    body = driver.execute_script("return document.body.textContent")
    shot = opts.screenshot
    light_bg = driver.execute_script(BACKGROUND)
    screenshot(driver, shot, opts.width)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    dark_bg = driver.execute_script(BACKGROUND)
    dark = os.path.splitext(shot)[0] + "-dark.png"
    screenshot(driver, dark, opts.width)
    seen["screenshots"] = [shot, dark]
    seen["background"] = {"light": light_bg, "dark": dark_bg}
    time.sleep(0.3)

    # Console errors (CSP violations included), exceptions and failed loads: the browser
    # log's SEVERE entries.
    errors = [e.get("message", "") for e in driver.get_log("browser")
              if e.get("level") == "SEVERE"]
    seen["console_errors"] = errors
    # Every request the page made (its document is ours): its own URL only.
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if (message.get("method") == "Network.requestWillBeSent"
                and urllib.parse.urlsplit(params.get("documentURL", ""))[:3] == origin[:3]):
            urls.append(params["request"]["url"])
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
    if light_bg == dark_bg:
        problems.append(f"no dark colours for prefers-color-scheme: dark (background {dark_bg})")
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


def pids_naming(needle):
    """Processes whose command line contains needle (the profile directory)."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if needle.encode() in f.read():
                    out.append(int(pid))
        except OSError:
            pass
    return out


def kill_all(driver_pid, profile):
    """SIGKILL to chromedriver's process group and to every process naming the profile."""
    if driver_pid:
        try:
            os.killpg(driver_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for pid in pids_naming(profile):
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    until = time.monotonic() + 10
    while pids_naming(profile) and time.monotonic() < until:
        time.sleep(0.1)
    return not pids_naming(profile)


def run(opts):
    seen = {"problems": []}
    if webdriver is None:
        seen["problems"].append(f"selenium is missing from {sys.executable} "
                                "(python3-selenium, scripts/setup.sh --test)")
        return seen
    binary, driver_path = first_existing(CHROMIUM), first_existing(CHROMEDRIVER)
    if not binary or not driver_path:
        seen["problems"].append("chromium or chromedriver is not installed "
                                "(chromium, chromium-driver: scripts/setup.sh --test)")
        return seen
    profile = tempfile.mkdtemp(prefix="flinkha-chromium-")
    driver = None
    try:
        driver = start_driver(opts, binary, driver_path, profile)
        check(opts, driver, seen)
    except (WebDriverException, OSError, KeyError, ValueError) as e:
        seen["problems"].append(f"{type(e).__name__}: {e}")
    finally:
        driver_pid = None
        if driver is not None:
            driver_pid = driver.service.process.pid if driver.service.process else None
            try:
                driver.quit()
            except (WebDriverException, OSError):
                pass
        if not kill_all(driver_pid, profile):
            seen["problems"].append("chromium did not exit after SIGKILL")
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
    # The run never outlives its deadline: the alarm raises in the main thread, and run()'s
    # finally kills chromedriver and Chromium on the way out.
    def timed_out(*_):
        raise TimeoutError(f"status_page_browser: no result within {opts.timeout} s")
    signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(int(opts.timeout))
    try:
        seen = run(opts)
    except TimeoutError as e:
        seen = {"problems": [str(e)]}
    signal.alarm(0)
    print(json.dumps(seen))
    for s in seen.get("screenshots", []):
        print(f"status_page_browser: screenshot {s}")
    for problem in seen["problems"]:
        print(f"status_page_browser: FAIL {problem}")
    return 1 if seen["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
