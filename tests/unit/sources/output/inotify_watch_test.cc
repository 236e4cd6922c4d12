// InotifyWatch on a real temporary directory: decoded events under their
// keys, watches that end with their directory, a renamed directory's watch
// moving to its new key, and the queue overflow.
#include "sources/output/inotify_watch.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "unit/sources/output/temp_tree.h"

namespace flinkha {
namespace {

using testing::TempTree;
using Type = InotifyEvent::Type;

// An event as a comparable line: "<type> <key> <name> d?+?-?".
std::vector<std::string> Drain(InotifyWatch& w) {
  std::vector<std::string> out;
  w.Drain([&](const InotifyEvent& ev) {
    static const char* kNames[] = {"overflow", "watch-gone", "self-gone",
                                   "self-changed", "name"};
    std::string line = kNames[static_cast<int>(ev.type)];
    line += " [" + ev.key + "]";
    if (ev.type == Type::kName) {
      line += " " + std::string(ev.name) + " ";
      if (ev.is_dir) line += "d";
      if (ev.appeared) line += "+";
      if (ev.gone) line += "-";
    }
    out.push_back(line);
  });
  return out;
}

TEST_CASE("InotifyWatch reports names created, written and deleted by key",
          "[output]") {
  TempTree t;
  t.Mkdir("a");
  InotifyWatch w(/*enabled=*/true);
  REQUIRE(w.fd() >= 0);
  REQUIRE(w.Add("", t.root(), /*follow_symlink=*/true));
  REQUIRE(w.Add("a", t.Path("a"), /*follow_symlink=*/false));
  CHECK(w.size() == 2);
  CHECK(w.Watched("a"));
  CHECK(Drain(w).empty());

  t.Write("a/f", "x");
  t.Mkdir("d");
  CHECK(Drain(w) == std::vector<std::string>{"name [a] f +", "name [a] f ",
                                             "name [] d d+"});
  t.Remove("a/f");
  rmdir(t.Path("d").c_str());
  CHECK(Drain(w) == std::vector<std::string>{"name [a] f -", "name [] d d-"});
  chmod(t.Path("a").c_str(), 0700);
  // The root sees its child's chmod too.
  CHECK(Drain(w) ==
        std::vector<std::string>{"name [] a d", "self-changed [a]"});
  CHECK(w.events() == 7);
  CHECK(w.overflows() == 0);
  CHECK(w.error().empty());
}

TEST_CASE("InotifyWatch drops the watch of a removed directory", "[output]") {
  TempTree t;
  t.Mkdir("a");
  InotifyWatch w(/*enabled=*/true);
  REQUIRE(w.Add("", t.root(), true));
  REQUIRE(w.Add("a", t.Path("a"), false));
  rmdir(t.Path("a").c_str());
  CHECK(Drain(w) == std::vector<std::string>{"self-gone [a]", "watch-gone [a]",
                                             "name [] a d-"});
  CHECK_FALSE(w.Watched("a"));
  CHECK(w.size() == 1);
  // A directory that does not exist is not watched and is no fault.
  CHECK_FALSE(w.Add("a", t.Path("a"), false));
  CHECK(w.error().empty());
}

TEST_CASE("InotifyWatch ignores a removed watch and moves a renamed one",
          "[output]") {
  TempTree t;
  t.Mkdir("a");
  InotifyWatch w(/*enabled=*/true);
  REQUIRE(w.Add("a", t.Path("a"), false));
  w.Remove("a");
  CHECK_FALSE(w.Watched("a"));
  CHECK(w.size() == 0);
  t.Write("a/f", "x");
  CHECK(Drain(w).empty());  // its IN_IGNORED too: the key is gone

  REQUIRE(w.Add("a", t.Path("a"), false));
  REQUIRE(t.Rename("a", "b"));
  REQUIRE(w.Add("b", t.Path("b"), false));  // the same inode: one watch
  CHECK_FALSE(w.Watched("a"));
  CHECK(w.Watched("b"));
  CHECK(w.size() == 1);
  Drain(w);  // the rename itself (self-gone [b] for IN_MOVE_SELF)
  t.Write("b/g", "x");
  CHECK(Drain(w) == std::vector<std::string>{"name [b] g +", "name [b] g "});
}

TEST_CASE("InotifyWatch disabled has no descriptor and watches nothing",
          "[output]") {
  TempTree t;
  InotifyWatch w(/*enabled=*/false);
  CHECK(w.fd() == -1);
  CHECK_FALSE(w.Add("", t.root(), true));
  CHECK(w.size() == 0);
  CHECK(Drain(w).empty());
  CHECK(w.error().empty());
}

TEST_CASE("InotifyWatch reports a queue overflow once", "[output]") {
  const int max_events = testing::MaxQueuedInotifyEvents();
  const std::string out_of_reach =
      testing::InotifyOverflowOutOfReach(max_events);
  if (!out_of_reach.empty()) FAIL(out_of_reach);
  TempTree t(testing::FastTmpBase());
  InotifyWatch w(/*enabled=*/true);
  REQUIRE(w.Add("", t.root(), true));
  // Two events a file (IN_CREATE, IN_CLOSE_WRITE).
  for (int i = 0; i < max_events / 2 + 100; ++i)
    t.Write("f" + std::to_string(i), "");
  const std::vector<std::string> events = Drain(w);
  CHECK(w.overflows() == 1);
  REQUIRE(events.size() == static_cast<size_t>(max_events) + 1);
  CHECK(events.back() == "overflow []");
  CHECK(w.events() == static_cast<uint64_t>(max_events) + 1);
}

}  // namespace
}  // namespace flinkha
