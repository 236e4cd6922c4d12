// OutputScanner on real temporary trees: FileSink renames, buckets, patterns,
// rows, faults, and the cost of a cycle counted in directory listings and
// stats.
#include "sources/output/output_scanner.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "unit/sources/output/temp_tree.h"

namespace flinkha {
namespace {

using testing::Age;
using testing::TempTree;

OutputConfig Config(const TempTree& t, std::string pattern = "*",
                    bool count_rows = false) {
  OutputConfig c;
  c.path = t.root();
  c.pattern = std::move(pattern);
  c.count_rows = count_rows;
  return c;
}

OutputScanStats Delta(const OutputScanStats& a, const OutputScanStats& b) {
  OutputScanStats d;
  d.cycles = b.cycles - a.cycles;
  d.dirs_stated = b.dirs_stated - a.dirs_stated;
  d.dirs_listed = b.dirs_listed - a.dirs_listed;
  d.entries_listed = b.entries_listed - a.entries_listed;
  d.entries_stated = b.entries_stated - a.entries_stated;
  d.files_read = b.files_read - a.files_read;
  return d;
}

const char* kUuid = "81fc4980-a6af-41c8-9937-9939408a734b";

std::string Finished(int n, const std::string& suffix = "") {
  return "part-" + std::string(kUuid) + "-" + std::to_string(n) + suffix;
}
std::string InProgress(int n, const std::string& suffix = "") {
  return "." + Finished(n, suffix) +
         ".inprogress.3a4a5e7c-1c2f-4b59-8d4b-6e2a4f0d5e11";
}

TEST_CASE(
    "OutputScanner counts finished and in-progress files across bucket "
    "directories",
    "[output]") {
  TempTree t;
  t.Mkdir("2024-05-01--12");
  t.Mkdir("2024-05-01--13");
  t.Mkdir("_temporary");  // hidden: not descended into
  t.Write("2024-05-01--12/" + Finished(0), "a,b\nc,d\n");
  t.Write("2024-05-01--12/" + Finished(1), "e,f\n");
  t.Write("2024-05-01--13/" + InProgress(2), "partial");
  t.Write("2024-05-01--13/_part-0-0.pending", "");
  t.Write("2024-05-01--13/_SUCCESS", "");
  t.Write("2024-05-01--13/.part-0-0.crc", "");
  t.Write("_temporary/" + Finished(9), "x\n");
  symlink("/etc/hostname",
          t.Path("link-to-file").c_str());  // symlinks are not followed
  OutputScanner s(Config(t), /*use_inotify=*/false);
  s.Cycle(ScanKind::kRescan);
  const OutputTotals o = s.Totals();
  CHECK(o.readable);
  CHECK(o.error.empty());
  CHECK(o.finished_files == 2);
  CHECK(o.in_progress_files == 2);
  CHECK(o.bytes == 12);
  CHECK(o.directories == 3);
  CHECK(o.files_created_total == 0);  // present before the first listing
  REQUIRE(o.last_file_timestamp_seconds.has_value());
  struct stat st {};
  stat(t.Path("2024-05-01--12/" + Finished(1)).c_str(), &st);
  CHECK(*o.last_file_timestamp_seconds ==
        Approx(static_cast<double>(st.st_mtim.tv_sec) +
               st.st_mtim.tv_nsec / 1e9));
  CHECK_FALSE(o.rows_total.has_value());
}

TEST_CASE(
    "OutputScanner follows a FileSink commit: in-progress renamed to finished",
    "[output]") {
  const bool inotify = GENERATE(true, false);
  INFO("inotify " << inotify);
  TempTree t;
  t.Mkdir("2024-05-01--12");
  OutputScanner s(Config(t, "*", /*count_rows=*/true), inotify);
  s.Cycle(ScanKind::kRescan);
  const std::string bucket = "2024-05-01--12/";
  t.Write(bucket + InProgress(0), "1,a\n2,b\n3,c\n");
  s.ReadEvents();
  s.Cycle(inotify ? ScanKind::kIncremental : ScanKind::kRescan);
  CHECK(s.Totals().in_progress_files == 1);
  CHECK(s.Totals().finished_files == 0);

  REQUIRE(t.Rename(bucket + InProgress(0), bucket + Finished(0)));
  s.ReadEvents();
  s.Cycle(inotify ? ScanKind::kIncremental : ScanKind::kRescan);
  OutputTotals o = s.Totals();
  CHECK(o.in_progress_files == 0);
  CHECK(o.finished_files == 1);
  CHECK(o.files_created_total == 1);
  CHECK(o.bytes == 12);
  REQUIRE(o.rows_total.has_value());
  CHECK(*o.rows_total == 3);

  // Nothing changed: no recount, no new file.
  s.ReadEvents();
  s.Cycle(ScanKind::kRescan);
  s.Cycle(ScanKind::kRescan);
  o = s.Totals();
  CHECK(o.files_created_total == 1);
  CHECK(*o.rows_total == 3);

  t.Remove(bucket + Finished(0));
  s.ReadEvents();
  s.Cycle(inotify ? ScanKind::kIncremental : ScanKind::kRescan);
  o = s.Totals();
  CHECK(o.finished_files == 0);
  CHECK(o.bytes == 0);
  CHECK_FALSE(o.last_file_timestamp_seconds.has_value());
  CHECK(o.files_created_total == 1);  // a counter
  CHECK(*o.rows_total == 3);
}

// Sets a file's mtime to seconds since epoch (a write long ago, or just now).
void SetMtime(const std::string& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  utimensat(AT_FDCWD, path.c_str(), times, 0);
}

TEST_CASE(
    "OutputScanner tells the newest write to an in-progress file, so "
    "leftovers of a dead attempt read as idle",
    "[output]") {
  const bool inotify = GENERATE(true, false);
  INFO("inotify " << inotify);
  TempTree t;
  t.Mkdir("b");
  // A leftover of an attempt that died an hour ago.
  t.Write("b/" + InProgress(0), "1,a\n");
  const time_t now = time(nullptr);
  SetMtime(t.Path("b/" + InProgress(0)), now - 3600);
  OutputScanner s(Config(t), inotify);
  s.Cycle(ScanKind::kRescan);
  OutputTotals o = s.Totals();
  CHECK(o.in_progress_files == 1);
  REQUIRE(o.in_progress_last_write_timestamp_seconds.has_value());
  CHECK(*o.in_progress_last_write_timestamp_seconds ==
        Approx(static_cast<double>(now - 3600)));

  // A new attempt opens its own file: stated once, when it appears.
  t.Write("b/" + InProgress(1), "2,b\n");
  SetMtime(t.Path("b/" + InProgress(1)), now - 10);
  s.ReadEvents();
  const OutputScanStats before = s.stats();
  s.Cycle(inotify ? ScanKind::kIncremental : ScanKind::kRescan);
  o = s.Totals();
  CHECK(o.in_progress_files == 2);
  CHECK(*o.in_progress_last_write_timestamp_seconds ==
        Approx(static_cast<double>(now - 10)));
  // Inotify names the new file: only it is stated for its write. A rescan
  // states every in-progress file.
  CHECK(s.stats().in_progress_stated - before.in_progress_stated ==
        (inotify ? 1u : 2u));

  // Writes to an open file raise no inotify event; the next rescan sees them.
  SetMtime(t.Path("b/" + InProgress(0)), now - 5);
  s.Cycle(ScanKind::kRescan);
  CHECK(*s.Totals().in_progress_last_write_timestamp_seconds ==
        Approx(static_cast<double>(now - 5)));

  // Both committed: no in-progress file, no timestamp.
  REQUIRE(t.Rename("b/" + InProgress(0), "b/" + Finished(0)));
  REQUIRE(t.Rename("b/" + InProgress(1), "b/" + Finished(1)));
  s.ReadEvents();
  s.Cycle(inotify ? ScanKind::kIncremental : ScanKind::kRescan);
  o = s.Totals();
  CHECK(o.in_progress_files == 0);
  CHECK(o.finished_files == 2);
  CHECK_FALSE(o.in_progress_last_write_timestamp_seconds.has_value());
}

TEST_CASE("OutputScanner counts rows once per file and only what was appended",
          "[output]") {
  TempTree t;
  OutputScanner s(Config(t, "*", /*count_rows=*/true), /*use_inotify=*/true);
  t.Write("old.csv", "1\n2\n");  // present at start: not counted
  s.Cycle(ScanKind::kRescan);
  CHECK(*s.Totals().rows_total == 0);

  t.Write("new.csv", "1\n2\n3");  // the third line has no newline yet
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK(*s.Totals().rows_total == 2);
  const uint64_t read_before = s.stats().bytes_read;

  t.Append("new.csv", "\n4\n");  // completes line 3, adds line 4
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK(*s.Totals().rows_total == 4);
  CHECK(s.stats().bytes_read - read_before == 3);  // only the appended bytes

  t.Append("old.csv", "3\n");  // growth of a file that existed at start
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK(*s.Totals().rows_total == 5);
  CHECK(s.Totals().bytes == 7 + 7);

  s.Cycle(ScanKind::kRescan);
  CHECK(*s.Totals().rows_total == 5);
}

TEST_CASE(
    "OutputScanner applies the pattern to committed and in-progress names",
    "[output]") {
  TempTree t;
  t.Write(Finished(0, ".csv"), "x\n");
  t.Write(Finished(1), "x\n");
  t.Write(InProgress(2, ".csv"), "x");
  t.Write(InProgress(3), "x");
  OutputScanner s(Config(t, "*.csv"), /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  CHECK(s.Totals().finished_files == 1);
  CHECK(s.Totals().in_progress_files == 1);
  CHECK(s.Totals().bytes == 2);

  // A non-matching commit changes nothing and costs no stat.
  const OutputScanStats before = s.stats();
  REQUIRE(t.Rename(InProgress(3), Finished(3)));
  REQUIRE(t.Rename(InProgress(2, ".csv"), Finished(2, ".csv")));
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.Totals().finished_files == 2);
  CHECK(s.Totals().in_progress_files == 0);
  CHECK(Delta(before, s.stats()).entries_stated == 2);  // the .csv pair only
}

TEST_CASE("OutputScanner watches new bucket directories and renamed ones",
          "[output]") {
  TempTree t;
  OutputScanner s(Config(t), /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  t.Mkdir("2024-05-01--14");
  t.Write("2024-05-01--14/" + Finished(0),
          "a\n");  // before the scanner saw the directory
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.Totals().finished_files == 1);
  CHECK(s.Totals().directories == 2);

  t.Write("2024-05-01--14/" + Finished(1),
          "b\n");  // seen through the new watch
  REQUIRE(s.ReadEvents());
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.Totals().finished_files == 2);
  CHECK(s.Totals().files_created_total == 2);

  REQUIRE(t.Rename("2024-05-01--14", "renamed"));
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.Totals().finished_files == 2);
  t.Write("renamed/" + Finished(2), "c\n");
  REQUIRE(s.ReadEvents());
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.Totals().finished_files == 3);
  CHECK(s.Totals().directories == 2);

  std::filesystem::remove_all(t.Path("renamed"));
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.Totals().finished_files == 0);
  CHECK(s.Totals().directories == 1);
  CHECK(s.stats().watches == 1);
  CHECK(s.Totals().error.empty());
}

TEST_CASE("OutputScanner: a name that vanishes before its stat is not an error",
          "[output]") {
  TempTree t;
  OutputScanner s(Config(t), /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  t.Write(Finished(0), "x\n");
  REQUIRE(s.ReadEvents());  // the creation is queued for a stat...
  t.Remove(Finished(0));    // ...and the file is gone before it runs
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.Totals().error.empty());
  CHECK(s.Totals().finished_files == 0);
  CHECK(s.Totals().files_created_total == 0);
}

TEST_CASE("OutputScanner survives files deleted while it lists and stats",
          "[output]") {
  TempTree t(testing::FastTmpBase());
  t.Mkdir("b");
  for (int i = 0; i < 2000; ++i) t.Write("b/" + Finished(i), "x\n");
  OutputScanner s(Config(t), /*use_inotify=*/false);
  std::atomic<bool> done{false};
  std::thread deleter([&] {
    for (int i = 0; i < 2000; ++i) t.Remove("b/" + Finished(i));
    done = true;
  });
  int cycles = 0;
  bool clean = true;
  while (!done || cycles < 2) {
    s.Cycle(ScanKind::kRescan);  // the directory keeps changing: every cycle
                                 // lists it
    clean = clean && s.Totals().error.empty() && s.Totals().readable;
    ++cycles;
  }
  deleter.join();
  s.Cycle(ScanKind::kRescan);
  CHECK(clean);
  CHECK(s.Totals().finished_files == 0);
  CHECK(s.Totals().bytes == 0);
}

TEST_CASE(
    "OutputScanner reports a missing directory and recovers when it is created",
    "[output]") {
  TempTree t;
  OutputConfig c = Config(t);
  c.path = t.Path("output");
  OutputScanner s(c, /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  OutputTotals o = s.Totals();
  CHECK_FALSE(o.readable);
  CHECK(o.error == "directory " + c.path + " does not exist");
  CHECK(o.finished_files == 0);

  t.Mkdir("output");
  t.Write("output/" + Finished(0), "x\n");
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);  // a missing root makes every cycle check it
  o = s.Totals();
  CHECK(o.readable);
  CHECK(o.error.empty());
  CHECK(o.finished_files == 1);

  // Deleted while watched, then recreated with other files.
  std::filesystem::remove_all(c.path);
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  CHECK_FALSE(s.Totals().readable);
  CHECK(s.Totals().finished_files == 0);
  t.Mkdir("output");
  t.Write("output/" + Finished(1), "x\n");
  t.Write("output/" + Finished(2), "x\n");
  s.Cycle(ScanKind::kRescan);
  CHECK(s.Totals().readable);
  CHECK(s.Totals().finished_files == 2);
  CHECK(s.Totals().files_created_total ==
        2);  // appeared after the first listing

  // A file where the directory should be.
  std::filesystem::remove_all(c.path);
  t.Write("output", "");
  s.ReadEvents();
  s.Cycle(ScanKind::kRescan);
  CHECK(s.Totals().error == c.path + " is not a directory");
}

TEST_CASE("OutputScanner does not follow symlinked directories (no loop)",
          "[output]") {
  TempTree t;
  t.Mkdir("a");
  t.Write("a/" + Finished(0), "x\n");
  REQUIRE(symlink("..", t.Path("a/up").c_str()) ==
          0);  // a/up -> the root: a loop
  REQUIRE(symlink(".", t.Path("self").c_str()) == 0);
  REQUIRE(symlink("loop2", t.Path("loop1").c_str()) ==
          0);  // a dangling symlink loop
  REQUIRE(symlink("loop1", t.Path("loop2").c_str()) == 0);
  OutputScanner s(Config(t), /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  s.Cycle(ScanKind::kRescan);
  CHECK(s.Totals().finished_files == 1);
  CHECK(s.Totals().directories == 2);
  CHECK(s.Totals().error.empty());
  CHECK(s.stats().dirs_listed <= 4);
}

TEST_CASE("OutputScanner: the configured path may itself be a symlink",
          "[output]") {
  TempTree t;
  t.Mkdir("real");
  t.Write("real/" + Finished(0), "x\n");
  REQUIRE(symlink("real", t.Path("output").c_str()) == 0);
  OutputConfig c = Config(t);
  c.path = t.Path("output");
  OutputScanner s(c, /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  CHECK(s.Totals().readable);
  CHECK(s.Totals().finished_files == 1);
}

// Runs fn in a forked child without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH,
// so permission bits apply even when the tests run as root; the child reports
// back through a pipe.
std::string RunWithoutDacCapabilities(const std::function<std::string()>& fn) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::cout
      .flush();  // the child must not print the parent's buffered output again
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    std::string out;
    if (syscall(SYS_capget, &header, data) != 0) {
      out = "capget failed";
    } else {
      const unsigned bits[] = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH};
      for (unsigned b : bits) {
        data[b / 32].effective &= ~(1u << (b % 32));
        data[b / 32].permitted &= ~(1u << (b % 32));
        data[b / 32].inheritable &= ~(1u << (b % 32));
      }
      out = syscall(SYS_capset, &header, data) != 0 ? "capset failed" : fn();
    }
    (void)!write(fds[1], out.data(), out.size());
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string result;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0)
    result.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  return result;
}

TEST_CASE(
    "OutputScanner reports permission denied on the directory and on a bucket",
    "[output]") {
  TempTree t;
  t.Mkdir("output");
  t.Mkdir("output/ok");
  t.Mkdir("output/locked");
  t.Write("output/ok/" + Finished(0), "x\n");
  t.Write("output/locked/" + Finished(1), "x\n");
  const std::string root = t.Path("output");

  SECTION("a locked bucket") {
    chmod(t.Path("output/locked").c_str(), 0);
    const std::string got = RunWithoutDacCapabilities([&] {
      OutputConfig c;
      c.path = root;
      OutputScanner s(c, /*use_inotify=*/true);
      s.Cycle(ScanKind::kRescan);
      const OutputTotals o = s.Totals();
      return std::to_string(o.readable) + "|" +
             std::to_string(o.finished_files) + "|" + o.error;
    });
    CHECK(got ==
          "1|1|cannot list directory " + root + "/locked: permission denied");
  }
  SECTION("the configured directory itself, then fixed") {
    chmod(root.c_str(), 0);
    const std::string got = RunWithoutDacCapabilities([&] {
      OutputConfig c;
      c.path = root;
      OutputScanner s(c, /*use_inotify=*/true);
      s.Cycle(ScanKind::kRescan);
      OutputTotals o = s.Totals();
      std::string r = std::to_string(o.readable) + "|" +
                      std::to_string(o.finished_files) + "|" + o.error;
      chmod(root.c_str(), 0755);  // the owner may chmod without capabilities
      s.Cycle(ScanKind::kRescan);
      o = s.Totals();
      return r + "#" + std::to_string(o.readable) + "|" +
             std::to_string(o.finished_files) + "|" + o.error;
    });
    CHECK(got ==
          "0|0|cannot list directory " + root + ": permission denied#1|2|");
  }
}

TEST_CASE("OutputScanner rescans everything after an inotify queue overflow",
          "[output]") {
  const int max_events = testing::MaxQueuedInotifyEvents();
  const std::string out_of_reach =
      testing::InotifyOverflowOutOfReach(max_events);
  if (!out_of_reach.empty()) FAIL(out_of_reach);
  TempTree t(testing::FastTmpBase());
  t.Mkdir("b");
  OutputScanner s(Config(t), /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  for (int i = 0; i < max_events + 100; ++i) t.Write("b/" + Finished(i), "");
  s.ReadEvents();
  CHECK(s.stats().inotify_overflows == 1);
  s.Cycle(ScanKind::kIncremental);
  CHECK(s.stats().deep_rescans == 1);
  CHECK(s.Totals().finished_files == max_events + 100);
  CHECK(s.Totals().files_created_total ==
        static_cast<uint64_t>(max_events + 100));
}

TEST_CASE(
    "OutputScanner without inotify lists only directories whose mtime changed",
    "[output]") {
  TempTree t;
  for (const char* b : {"b1", "b2", "b3"}) {
    t.Mkdir(b);
    for (int i = 0; i < 200; ++i)
      t.Write(std::string(b) + "/" + Finished(i), "x\n");
    Age(t.Path(b));
  }
  Age(t.root());
  OutputScanner s(Config(t), /*use_inotify=*/false);
  s.Cycle(ScanKind::kRescan);
  CHECK(s.Totals().finished_files == 600);

  OutputScanStats before = s.stats();
  s.Cycle(ScanKind::kRescan);
  OutputScanStats d = Delta(before, s.stats());
  CHECK(d.dirs_stated == 4);
  CHECK(d.dirs_listed == 0);
  CHECK(d.entries_stated == 0);

  t.Write("b2/" + Finished(1000), "x\n");
  before = s.stats();
  s.Cycle(ScanKind::kRescan);
  d = Delta(before, s.stats());
  CHECK(d.dirs_listed == 1);
  CHECK(d.entries_listed == 203);  // ".", ".." and the names of b2
  CHECK(d.entries_stated == 1);    // only the new file
  CHECK(s.Totals().finished_files == 601);

  // b2 changed just now: its mtime could hide another change in the same tick,
  // so it is listed once more (without stats), then left alone once it is old
  // enough.
  before = s.stats();
  s.Cycle(ScanKind::kRescan);
  d = Delta(before, s.stats());
  CHECK(d.dirs_listed == 1);
  CHECK(d.entries_stated == 0);
  Age(t.Path("b2"));
  s.Cycle(ScanKind::kRescan);
  before = s.stats();
  s.Cycle(ScanKind::kRescan);
  CHECK(Delta(before, s.stats()).dirs_listed == 0);
}

TEST_CASE(
    "OutputScanner: an unchanged cycle over 100000 files lists no directory "
    "and stats "
    "no file",
    "[output]") {
  TempTree t(testing::FastTmpBase());
  t.Mkdir("2024-05-01--12");
  t.Mkdir("2024-05-01--13");
  t.Mkdir("2024-05-01--14");
  const std::string big = t.Path("2024-05-01--12/");
  int created = 0;
  for (int i = 0; i < 100000; ++i) {
    const int fd =
        open((big + Finished(i)).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) ++created;
    close(fd);
  }
  REQUIRE(created == 100000);
  OutputScanner s(Config(t), /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  REQUIRE(s.Totals().finished_files == 100000);
  REQUIRE(s.stats().watches == 4);

  OutputScanStats before = s.stats();
  s.Cycle(ScanKind::kRescan);
  OutputScanStats d = Delta(before, s.stats());
  CHECK(d.dirs_stated == 4);  // O(directories)
  CHECK(d.dirs_listed == 0);
  CHECK(d.entries_stated == 0);

  // Ten commits: ten stats, no listing of the 100000-file directory.
  for (int i = 0; i < 10; ++i)
    t.Write("2024-05-01--12/" + InProgress(200000 + i), "x\n");
  s.ReadEvents();
  s.Cycle(ScanKind::kIncremental);
  before = s.stats();
  for (int i = 0; i < 10; ++i) {
    REQUIRE(t.Rename("2024-05-01--12/" + InProgress(200000 + i),
                     "2024-05-01--12/" + Finished(200000 + i)));
  }
  REQUIRE(s.ReadEvents());
  s.Cycle(ScanKind::kIncremental);
  d = Delta(before, s.stats());
  CHECK(d.dirs_listed == 0);
  CHECK(d.entries_stated == 20);  // each old name (gone) and each new name
  CHECK(s.Totals().finished_files == 100010);
  CHECK(s.Totals().files_created_total == 10);

  // The events already accounted for the directory's new mtime: the rescan
  // stays cheap.
  before = s.stats();
  s.Cycle(ScanKind::kRescan);
  d = Delta(before, s.stats());
  CHECK(d.dirs_listed == 0);
  CHECK(d.entries_stated == 0);
}

}  // namespace
}  // namespace flinkha
