// Signals without handlers: blocked in every thread, taken synchronously by the
// main loop.
#pragma once

namespace flinkha {

enum class SignalAction { kStop, kReload };

// Blocks SIGTERM, SIGINT and SIGHUP; call before any thread starts so all
// threads inherit it.
void BlockSignals();

// Waits for SIGTERM/SIGINT (kStop) or SIGHUP (kReload).
SignalAction WaitForSignal();

}  // namespace flinkha
