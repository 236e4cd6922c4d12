// Source: the only code that touches the outside world; publishes observations
// to the store.
#pragma once

namespace flinkha {

// A source owns its threads and outside handles. Start() returns at once;
// Stop() blocks until the threads ended and is called before destruction (also
// safe to call twice).
class Source {
 public:
  virtual ~Source() = default;
  virtual void Start() = 0;
  virtual void Stop() = 0;
};

}  // namespace flinkha
