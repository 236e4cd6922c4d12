// Test support: the status page in headless Chromium driven by Selenium
// (tests/support/status_page_browser.py): DOM checks, console errors, requests,
// the dark scheme and screenshots.
#pragma once

#include <string>
#include <vector>

namespace flinkha::testing {

struct BrowserCheck {
  bool ok = false;
  std::string output;      // the script's report (JSON line, FAIL lines)
  std::string screenshot;  // PNG path; a -dark.png lies beside it
};

// Opens http://127.0.0.1:<port>/ and checks it; `args` are the script's
// (e.g. "--expect-failover", "--expect-leader=jm-2"). Waits at most
// `timeout_seconds`; the script kills chromedriver and Chromium whatever
// happens. Prints the screenshot path.
BrowserCheck BrowseStatusPage(int port, const std::string& screenshot,
                              const std::vector<std::string>& args,
                              int timeout_seconds = 90);

}  // namespace flinkha::testing
