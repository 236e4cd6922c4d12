// BrowseStatusPage: runs the Selenium check script as a child process.
#include "support/status_page_browser.h"

#include <cstdio>

#include "support/process.h"

namespace flinkha::testing {

BrowserCheck BrowseStatusPage(int port, const std::string& screenshot,
                              const std::vector<std::string>& args,
                              int timeout_seconds) {
  // Debian's interpreter: python3-selenium installs for it, not for another
  // python3 that may come first on PATH.
  std::vector<std::string> argv = {
      "/usr/bin/python3",
      std::string(FLINKHA_SOURCE_DIR) + "/tests/support/status_page_browser.py",
      "--url",
      "http://127.0.0.1:" + std::to_string(port) + "/",
      "--screenshot",
      screenshot,
      "--timeout",
      std::to_string(timeout_seconds)};
  argv.insert(argv.end(), args.begin(), args.end());
  BrowserCheck out;
  out.screenshot = screenshot;
  std::optional<int> status;
  {
    Subprocess p(argv, screenshot + ".log");
    status = p.Wait(std::chrono::seconds(timeout_seconds + 30));
    // A script past its own deadline is killed by ~Subprocess; chromedriver
    // dies with it (PR_SET_PDEATHSIG) and Chromium with chromedriver.
  }
  out.output = ReadFile(screenshot + ".log");
  out.ok = status && *status == 0;
  std::printf("status page in Chromium: %s (screenshot %s)\n%s",
              out.ok ? "ok" : "FAILED", screenshot.c_str(), out.output.c_str());
  std::fflush(stdout);
  return out;
}

}  // namespace flinkha::testing
