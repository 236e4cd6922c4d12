// MetricsCache: the cached body equals an uncached render of the same snapshot
// after a change in any source, gzip decodes to it, and only collectors whose
// inputs changed render again.
#include "http/metrics_cache.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <thread>

#include "collectors/checkpoint_collector.h"
#include "collectors/collector.h"
#include "collectors/ha_collector.h"
#include "collectors/job_collector.h"
#include "support/exporter_process.h"
#include "support/full_snapshot.h"
#include "support/process.h"

namespace flinkha {
namespace {

using std::chrono::seconds;

const char* kCluster = "realtime-pipeline";
const char* kJob = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

// Decodes a whole gzip body: false on any zlib error, a trailing byte or a
// second member. No Catch assertions: threads call it.
bool TryGunzip(const std::string& gz, std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  out->clear();
  std::vector<char> buf(1 << 16);
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    out->append(buf.data(), buf.size() - zs.avail_out);
  }
  const uInt left = zs.avail_in;
  inflateEnd(&zs);
  return rc == Z_STREAM_END && left == 0;
}

std::string Gunzip(const std::string& gz) {
  std::string out;
  CHECK(TryGunzip(gz, &out));
  return out;
}

std::string Uncached(const SnapshotPtr& s) {
  return RenderMetrics(testing::StableCollectors(), *s);
}

// Wraps a collector and counts its renders.
class Counting : public Collector {
 public:
  Counting(std::unique_ptr<Collector> c, std::atomic<int>* renders)
      : c_(std::move(c)), renders_(renders) {}
  void Collect(const Snapshot& s,
               std::vector<prometheus::MetricFamily>* out) const override {
    ++*renders_;
    c_->Collect(s, out);
  }
  std::span<const MetricDesc* const> Descriptors() const override {
    return c_->Descriptors();
  }
  bool Key(const Snapshot& s, RenderKey* key) const override {
    return c_->Key(s, key);
  }

 private:
  std::unique_ptr<Collector> c_;
  std::atomic<int>* renders_;
};

// One change of one source, as the source publishes it: a new object in place
// of the old one (or a by-value field changed), everything else shared.
struct Change {
  const char* what;
  std::function<void(ClusterState&, Snapshot&)> apply;
};

template <typename T>
std::shared_ptr<T> Copy(const std::shared_ptr<const T>& p) {
  return std::make_shared<T>(*p);
}

std::vector<Change> EverySourceChange() {
  return {
      {"zookeeper HA: the rest_server leader moves to jm-2",
       [](ClusterState& c, Snapshot&) {
         auto ha = Copy(c.ha);
         auto& lead = ha->components["rest_server"];
         lead.leader.address = "http://jobmanager-standby:8081";
         lead.jobmanager = "jm-2";
         ++lead.changes_total;
         c.ha = ha;
       }},
      {"zookeeper: the job's JobMaster leader is lost",
       [](ClusterState& c, Snapshot&) {
         auto zk = Copy(c.zookeeper);
         zk->job_leaders[kJob] = std::nullopt;
         c.zookeeper = zk;
       }},
      {"zookeeper: a newer checkpoint pointer",
       [](ClusterState& c, Snapshot&) {
         auto zk = Copy(c.zookeeper);
         zk->latest_checkpoint_ids[kJob] = 58;
         c.zookeeper = zk;
       }},
      {"zookeeper: the session is lost",
       [](ClusterState& c, Snapshot&) {
         auto zk = Copy(c.zookeeper);
         zk->connected = false;
         c.zookeeper = zk;
       }},
      {"zookeeper quorum member: down",
       [](ClusterState& c, Snapshot&) {
         auto h = Copy(c.zookeeper_servers.begin()->second);
         h->up = false;
         c.zookeeper_servers.begin()->second = h;
       }},
      {"jobs: the job fails",
       [](ClusterState& c, Snapshot&) {
         auto jm = Copy(c.jobmanagers["jm-1"]);
         (*jm->jobs)[0].state = "FAILED";
         c.jobmanagers["jm-1"] = jm;
       }},
      {"jobs: a second job appears",
       [](ClusterState& c, Snapshot&) {
         auto jm = Copy(c.jobmanagers["jm-1"]);
         JobSummary j = (*jm->jobs)[0];
         j.id = "ffffffffffffffffffffffffffffffff";
         j.name = "second";
         jm->jobs->push_back(j);
         jm->overview->slots_available = 0;
         c.jobmanagers["jm-1"] = jm;
       }},
      {"jobmanager: jm-2 answers (same jobs, other version)",
       [](ClusterState& c, Snapshot&) {
         auto jm = Copy(c.jobmanagers["jm-1"]);
         jm->config->flink_version = "1.19.2";
         c.jobmanagers["jm-2"] = jm;
       }},
      {"checkpoints: one more completed",
       [](ClusterState& c, Snapshot&) {
         auto ck = Copy(c.checkpoints[kJob]);
         ++ck->stats->completed;
         ck->last_completed_ever->id = 58;
         c.checkpoints[kJob] = ck;
       }},
      {"checkpoints: the job restarted (numRestarts)",
       [](ClusterState& c, Snapshot&) {
         auto ck = Copy(c.checkpoints[kJob]);
         ck->num_restarts = 2;
         c.checkpoints[kJob] = ck;
       }},
      {"checkpoints: the job's statistics are gone",
       [](ClusterState& c, Snapshot&) { c.checkpoints.clear(); }},
      {"output directory: a new finished file",
       [](ClusterState& c, Snapshot&) {
         auto o = Copy(c.outputs.begin()->second);
         ++o->finished_files;
         ++o->files_created_total;
         c.outputs.begin()->second = o;
       }},
      {"taskmanagers: one is lost",
       [](ClusterState& c, Snapshot&) {
         auto v = Copy(c.taskmanagers);
         v->taskmanagers.pop_back();
         ++v->lost_total;
         c.taskmanagers = v;
       }},
      {"failover: one more failover",
       [](ClusterState& c, Snapshot&) {
         auto f = Copy(c.failover);
         ++f->failovers_total;
         f->reports.back().restored_checkpoint_id = 42;
         c.failover = f;
       }},
      {"exporter: a source error (a by-value field)",
       [](ClusterState& c, Snapshot&) {
         ++c.sources["checkpoints"].errors_total;
         c.sources["checkpoints"].up = false;
       }},
      {"exporter: a failed reload",
       [](ClusterState&, Snapshot& s) {
         s.config_last_reload_successful = false;
       }},
      {"config: expected TaskManagers",
       [](ClusterState& c, Snapshot&) {
         auto cfg = Copy(c.config);
         cfg->expected_taskmanagers = 4;
         c.config = cfg;
       }},
      {"reload: a second cluster",
       [](ClusterState& c, Snapshot& s) {
         ClusterState other = c;
         other.name = "batch";
         auto cfg = Copy(c.config);
         cfg->name = "batch";
         other.config = cfg;
         s.clusters["batch"] = other;
       }},
      {"reload: the cluster is renamed",
       [](ClusterState& c, Snapshot& s) {
         ClusterState renamed = c;
         renamed.name = "renamed";
         s.clusters.erase(kCluster);
         s.clusters["renamed"] = renamed;
       }},
  };
}

// Applies a change to a copy of base and publishes it as a new snapshot.
SnapshotPtr Changed(const SnapshotPtr& base, const Change& change) {
  auto next = std::make_shared<Snapshot>(*base);
  change.apply(next->clusters.at(kCluster), *next);
  testing::RefreshFacts(*next);
  return next;
}

TEST_CASE("MetricsCache serves RenderMetrics' bytes, gzip decodes to them",
          "[http][metrics_cache]") {
  const SnapshotPtr s =
      std::make_shared<const Snapshot>(testing::FullSnapshot());
  MetricsCache cache(testing::StableCollectors());
  const MetricsBody plain = cache.Get(s, MetricsEncoding::kIdentity);
  CHECK_FALSE(plain.gzip);
  CHECK(plain.bytes->Join() == Uncached(s));
  const MetricsBody gz = cache.Get(s, MetricsEncoding::kGzip);
  REQUIRE(gz.gzip);
  CHECK(gz.bytes->size < plain.bytes->size / 4);
  CHECK(Gunzip(gz.bytes->Join()) == plain.bytes->Join());

  SECTION("the same snapshot shares the same buffers") {
    CHECK(cache.Get(s, MetricsEncoding::kIdentity).bytes == plain.bytes);
    CHECK(cache.Get(s, MetricsEncoding::kGzip).bytes == gz.bytes);
  }
  SECTION("an equal copy of the snapshot gives equal bytes") {
    auto copy = std::make_shared<const Snapshot>(*s);
    CHECK(cache.Get(copy, MetricsEncoding::kIdentity).bytes->Join() ==
          plain.bytes->Join());
    CHECK(Gunzip(cache.Get(copy, MetricsEncoding::kGzip).bytes->Join()) ==
          plain.bytes->Join());
  }
  SECTION("the cached body passes promtool") {
    testing::TempDir dir;
    bool ok = false;
    const std::string out =
        testing::PromtoolCheckMetrics(dir.path(), plain.bytes->Join(), &ok);
    INFO(out);
    CHECK(ok);
  }
}

TEST_CASE("A change in any source shows in the next scrape",
          "[http][metrics_cache]") {
  const SnapshotPtr base =
      std::make_shared<const Snapshot>(testing::FullSnapshot());
  for (const Change& change : EverySourceChange()) {
    INFO(change.what);
    // A warm cache for the old snapshot, in both encodings, then the change.
    MetricsCache cache(testing::StableCollectors());
    const std::string before =
        cache.Get(base, MetricsEncoding::kIdentity).bytes->Join();
    (void)cache.Get(base, MetricsEncoding::kGzip);
    const SnapshotPtr next = Changed(base, change);
    const std::string expected = Uncached(next);
    REQUIRE(expected != before);  // the change is visible at all
    CHECK(cache.Get(next, MetricsEncoding::kIdentity).bytes->Join() ==
          expected);
    CHECK(Gunzip(cache.Get(next, MetricsEncoding::kGzip).bytes->Join()) ==
          expected);
    // And back: nothing of the changed snapshot stays behind.
    CHECK(cache.Get(base, MetricsEncoding::kIdentity).bytes->Join() == before);
  }
}

TEST_CASE("A change copies only the pieces of the collectors it touches",
          "[http][metrics_cache]") {
  const SnapshotPtr base =
      std::make_shared<const Snapshot>(testing::FullSnapshot());
  for (const Change& change : EverySourceChange()) {
    const std::string what = change.what;
    if (what.rfind("output directory", 0) != 0 &&
        what.rfind("zookeeper: the job's JobMaster", 0) != 0) {
      continue;
    }
    INFO(what);
    MetricsCache cache(testing::StableCollectors());
    const SharedBodyPtr before =
        cache.Get(base, MetricsEncoding::kIdentity).bytes;
    const SharedBodyPtr after =
        cache.Get(Changed(base, change), MetricsEncoding::kIdentity).bytes;
    // A piece is kept when it is the very buffer of the body before.
    auto kept = [&](const std::shared_ptr<const std::string>& piece) {
      return std::find(before->pieces.begin(), before->pieces.end(), piece) !=
             before->pieces.end();
    };
    size_t shared = 0;
    int checkpoint_pieces = 0;
    for (const auto& piece : after->pieces) {
      shared += kept(piece);
      // The checkpoint series (the largest piece at 1,000 jobs) are not
      // copied.
      if (piece->find("# TYPE flinkha_checkpoints_completed ") !=
          std::string::npos) {
        ++checkpoint_pieces;
        CHECK(kept(piece));
      }
    }
    // Most collectors read nothing the change touched: their bytes are the
    // very same buffers; at least one piece is new.
    CHECK(shared >= before->pieces.size() / 2);
    CHECK(shared < after->pieces.size());
    CHECK(checkpoint_pieces == 1);
  }
}

TEST_CASE("Changes one after another never serve a stale series",
          "[http][metrics_cache]") {
  // Each change on top of the previous ones, gzip asked only every other
  // time, so pieces deflated for older texts must not leak into newer bodies.
  SnapshotPtr s = std::make_shared<const Snapshot>(testing::FullSnapshot());
  MetricsCache cache(testing::StableCollectors());
  int i = 0;
  for (const Change& change : EverySourceChange()) {
    if (std::string(change.what).rfind("reload: the cluster is renamed", 0) ==
        0) {
      continue;  // the next changes expect the cluster's name
    }
    INFO(change.what);
    s = Changed(s, change);
    const std::string expected = Uncached(s);
    if (++i % 2 == 0) {
      CHECK(Gunzip(cache.Get(s, MetricsEncoding::kGzip).bytes->Join()) ==
            expected);
    }
    CHECK(cache.Get(s, MetricsEncoding::kIdentity).bytes->Join() == expected);
  }
}

TEST_CASE("Only collectors whose inputs changed render again",
          "[http][metrics_cache]") {
  std::vector<std::unique_ptr<Collector>> all = testing::StableCollectors();
  std::vector<std::atomic<int>> renders(all.size());
  size_t jobs = all.size(), checkpoints = all.size(), ha = all.size();
  std::vector<std::unique_ptr<Collector>> counted;
  for (size_t i = 0; i < all.size(); ++i) {
    if (dynamic_cast<JobCollector*>(all[i].get())) jobs = i;
    if (dynamic_cast<CheckpointCollector*>(all[i].get())) checkpoints = i;
    if (dynamic_cast<HaCollector*>(all[i].get())) ha = i;
    counted.push_back(
        std::make_unique<Counting>(std::move(all[i]), &renders[i]));
  }
  REQUIRE(jobs < renders.size());
  REQUIRE(checkpoints < renders.size());
  REQUIRE(ha < renders.size());
  MetricsCache cache(std::move(counted));
  auto total = [&] {
    int n = 0;
    for (const auto& r : renders) n += r;
    return n;
  };
  SnapshotPtr s = std::make_shared<const Snapshot>(testing::FullSnapshot());
  (void)cache.Get(s, MetricsEncoding::kIdentity);
  CHECK(total() == static_cast<int>(renders.size()));
  (void)cache.Get(s, MetricsEncoding::kGzip);
  CHECK(total() == static_cast<int>(renders.size()));  // nothing new

  // A ZooKeeper HA change leaves the job list and the checkpoints (the bulk
  // of a large cluster) as they were rendered.
  const std::vector<Change> changes = EverySourceChange();
  s = Changed(s, changes[0]);
  (void)cache.Get(s, MetricsEncoding::kIdentity);
  CHECK(renders[ha] == 2);
  CHECK(renders[jobs] == 1);
  CHECK(renders[checkpoints] == 1);
  CHECK(total() <= static_cast<int>(renders.size()) + 4);

  // New checkpoint statistics render the checkpoints, not the jobs (which
  // read only numRestarts from them).
  s = Changed(s, changes[8]);
  (void)cache.Get(s, MetricsEncoding::kIdentity);
  CHECK(renders[checkpoints] == 2);
  CHECK(renders[jobs] == 1);
  s = Changed(s, changes[9]);  // numRestarts
  (void)cache.Get(s, MetricsEncoding::kIdentity);
  CHECK(renders[jobs] == 2);
}

TEST_CASE("Concurrent scrapes of changing snapshots each get their own body",
          "[http][metrics_cache]") {
  const SnapshotPtr a =
      std::make_shared<const Snapshot>(testing::FullSnapshot());
  const SnapshotPtr b = Changed(a, EverySourceChange()[0]);
  const std::string text_a = Uncached(a), text_b = Uncached(b);
  MetricsCache cache(testing::StableCollectors());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const bool use_b = (i + t) % 3 == 0;
        const auto enc =
            (i + t) % 2 ? MetricsEncoding::kGzip : MetricsEncoding::kIdentity;
        const MetricsBody body = cache.Get(use_b ? b : a, enc);
        std::string text = body.bytes->Join();
        if (body.gzip && !TryGunzip(body.bytes->Join(), &text)) ++wrong;
        if (text != (use_b ? text_b : text_a)) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("AcceptsGzip reads Accept-Encoding", "[http][metrics_cache]") {
  CHECK(AcceptsGzip("gzip"));
  CHECK(AcceptsGzip("gzip, deflate, br"));
  CHECK(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  CHECK(AcceptsGzip("identity, gzip ; q=1"));
  CHECK_FALSE(AcceptsGzip(""));
  CHECK_FALSE(AcceptsGzip("identity"));
  CHECK_FALSE(AcceptsGzip("br, deflate"));
  CHECK_FALSE(AcceptsGzip("gzip;q=0"));
  CHECK_FALSE(AcceptsGzip("gzip; q=0.000"));
  CHECK_FALSE(AcceptsGzip("x-gzip2"));
}

}  // namespace
}  // namespace flinkha
