// The history SVG: lanes of coalesced states (rectangles), charts of numeric
// series (polylines thinned to a few pixels per point) and failover marks,
// on one time axis from now minus the history window to now.
#include "http/history_page.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

#include "http/html.h"

namespace flinkha {

const char kHistoryCss[] =
    "svg.hist{width:100%;max-width:1100px;height:auto;display:block;"
    "margin:.5em 0 1em}"
    "svg.hist text{fill:currentColor;font:11px sans-serif}"
    "svg.hist text.sub{font-size:10px;opacity:.75}"
    "svg.hist text.in{fill:#fff;font-size:10px}"
    "svg.hist .ax{stroke:#8888;stroke-width:1}"
    "svg.hist .lane{fill:#8882}"
    ".j0{fill:#3b73c9}.j1{fill:#2a9d8f}.j2{fill:#8e63c4}.j3{fill:#b07a1e}"
    ".j4{fill:#777}.h-gap{fill:#d33}.h-ok{fill:#2e9e44}.h-warn{fill:#e39a00}"
    ".h-bad{fill:#d33}.h-idle{fill:#8889}"
    ".h-fo{fill:#d33;fill-opacity:.22;stroke:#d33;stroke-width:1}"
    ".h-ph{stroke:#e39a00;stroke-width:2}"
    ".h-tm{fill:#d33}"
    ".l0,.l1,.l2{fill:none;stroke-width:1.5}"
    ".l0{stroke:#3b73c9}.l1{stroke:#d33}.l2{stroke:#e39a00}"
    "text.t0{fill:#3b73c9!important}text.t1{fill:#d33!important}"
    "text.t2{fill:#e39a00!important}"
    "@media (prefers-color-scheme:dark){.l0{stroke:#7fa8f0}"
    "text.t0{fill:#7fa8f0!important}.j0{fill:#4f86e0}}";

namespace {

constexpr int kLabelW = 210;  // the left column of names
constexpr int kChartW = 850;
constexpr int kWidth = kLabelW + kChartW + 40;
constexpr int kLaneH = 20;   // one state lane
constexpr int kChartH = 46;  // one numeric chart
constexpr int kPixelsPerPoint = 3;
constexpr double kMinSpanPixels = 3;         // narrower state spans merge
constexpr std::chrono::minutes kMinAxis{5};  // the shortest time axis
constexpr int kMaxStatesNamed = 6;           // in the title of merged spans

// Colours by how much they call for attention, to merge narrow spans.
int Severity(const std::string& cls) {
  if (cls == "h-bad" || cls == "h-gap") return 3;
  if (cls == "h-warn") return 2;
  if (cls == "h-idle") return 1;
  return 0;
}

std::string Int(double v) { return std::to_string(std::lround(v)); }

std::string Seconds(double s) {
  char buf[32];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  }
  return buf;
}

double Between(TimePoint a, TimePoint b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string Clock(TimePoint t) { return FormatUtc(t, "%H:%M:%S"); }

int64_t EpochMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             t.time_since_epoch())
      .count();
}

// Builds one SVG top to bottom; y_ is the top of the next row.
class Svg {
 public:
  // The axis runs from t0 (at most the history window back) to now.
  Svg(TimePoint t0, TimePoint now) : now_(now), t0_(t0) {}

  double X(TimePoint t) const {
    const double f =
        Between(t0_, std::clamp(t, t0_, now_)) / Between(t0_, now_);
    return kLabelW + f * kChartW;
  }

  void Heading(const std::string& text) {
    y_ += 6;
    o_ += "<text x=\"4\" y=\"" + Int(y_ + 12) + "\" font-weight=\"bold\">" +
          HtmlEscape(text) + "</text>";
    y_ += 16;
  }

  // A label (and a smaller second line) in the left column.
  void Label(const std::string& text, const std::string& sub, int top,
             const std::string& sub_class = "sub") {
    o_ += "<text x=\"12\" y=\"" + Int(top + 12) + "\">" +
          HtmlEscape(Clip(text)) + "</text>";
    if (!sub.empty()) {
      o_ += "<text x=\"12\" y=\"" + Int(top + 24) + "\" class=\"" + sub_class +
            "\">" + HtmlEscape(sub) + "</text>";
    }
  }

  // A lane of state spans; class_of maps a value to a CSS class. Returns the
  // lane's top.
  template <typename ClassOf>
  int Lane(const std::string& label, const std::string& sub,
           const StateSeries& series, ClassOf class_of,
           bool names_inside = false, const char* data = nullptr) {
    const int top = y_;
    Label(label, sub, top);
    o_ += "<g";
    if (data) o_ += std::string(" data-lane=\"") + data + "\"";
    o_ += "><rect class=\"lane\" x=\"" + Int(kLabelW) + "\" y=\"" +
          Int(top + 2) + "\" width=\"" + Int(kChartW) + "\" height=\"14\"/>";
    // Spans narrower than a few pixels (a flapping state) merge into one
    // rectangle in the most severe of their colours, titled with the count.
    struct Run {
      double x1 = 0, x2 = 0;
      std::string cls, value;
      TimePoint from{}, end{};
      int states = 0;
      std::string values;  // "a → b → a", the first few
    } run;
    auto flush = [&] {
      if (!run.states) return;
      const double w = std::max(1.0, run.x2 - run.x1);
      const std::string title =
          run.states == 1
              ? run.value
              : run.values + " (" + std::to_string(run.states) + " states)";
      o_ += "<rect class=\"" + run.cls + "\" x=\"" + Int(run.x1) + "\" y=\"" +
            Int(top + 2) + "\" width=\"" + Int(w) + "\" height=\"14\"><title>" +
            HtmlEscape(title) + " " + Clock(run.from) + "–" + Clock(run.end) +
            "</title></rect>";
      if (names_inside && run.states == 1 &&
          w > 7.0 * static_cast<double>(run.value.size()) + 8) {
        o_ += "<text class=\"in\" x=\"" + Int(run.x1 + 4) + "\" y=\"" +
              Int(top + 13) + "\">" + HtmlEscape(run.value) + "</text>";
      }
      run = Run{};
    };
    const auto& spans = series.spans();
    for (size_t i = 0; i < spans.size(); ++i) {
      const HistorySpan& s = spans[i];
      if (s.to < t0_) continue;
      // A span lasts until the next sample that saw something else, unless
      // the exporter was not sampling in between.
      TimePoint end = s.to;
      if (i + 1 < spans.size() &&
          spans[i + 1].from - s.to <= kHistoryPointInterval)
        end = spans[i + 1].from;
      const double x1 = X(s.from);
      const double x2 = std::max(x1 + 1, X(end));
      const std::string value = s.value.empty() ? "none" : s.value;
      const std::string cls = class_of(s.value);
      const bool narrow = x2 - x1 < kMinSpanPixels;
      // Only narrow spans merge, and only into a narrow run: a long span
      // keeps its colour beside a short one.
      if (run.states && narrow && x1 <= run.x2 + 0.5 &&
          run.x2 - run.x1 < kMinSpanPixels) {
        run.x2 = std::max(run.x2, x2);
        if (Severity(cls) > Severity(run.cls)) run.cls = cls;
        run.value = value;
        run.end = end;
        if (++run.states <= kMaxStatesNamed) run.values += " → " + value;
        if (run.states == kMaxStatesNamed + 1) run.values += " …";
        continue;
      }
      flush();
      run = Run{x1, x2, cls, value, s.from, end, 1, value};
    }
    flush();
    o_ += "</g>";
    y_ += sub.empty() ? kLaneH : kLaneH + 10;
    return top;
  }

  // A chart of numeric series (each one a class l0, l1, l2), scaled to the
  // largest value shown.
  void Chart(
      const std::string& label,
      const std::vector<std::pair<const PointSeries*, std::string>>& series,
      const std::string& sub, bool shared_scale) {
    const int top = y_;
    Label(label, "", top);
    // Each series' largest value shown: its own scale, or one for all.
    std::vector<double> ymax(series.size(), 1);
    for (size_t i = 0; i < series.size(); ++i) {
      for (const HistoryPoint& p : series[i].first->points())
        if (p.at >= t0_) ymax[i] = std::max(ymax[i], p.value);
    }
    if (shared_scale) {
      const double m = *std::max_element(ymax.begin(), ymax.end());
      std::fill(ymax.begin(), ymax.end(), m);
    }
    // The legend: per series a coloured name and its latest value.
    int lx = 12;
    for (size_t i = 0; i < series.size(); ++i) {
      const auto& pts = series[i].first->points();
      const std::string text =
          series[i].second +
          (pts.empty() ? std::string() : " " + Int(pts.back().value));
      o_ += "<text x=\"" + Int(lx) + "\" y=\"" + Int(top + 24) +
            "\" class=\"sub t" + std::to_string(i) + "\">" + HtmlEscape(text) +
            "</text>";
      lx += 8 + 6 * static_cast<int>(text.size());
    }
    if (!sub.empty()) {
      o_ += "<text x=\"12\" y=\"" + Int(top + 36) + "\" class=\"sub\">" +
            HtmlEscape(sub) + "</text>";
    }
    const int h = kChartH - 8;
    o_ += "<rect class=\"lane\" x=\"" + Int(kLabelW) + "\" y=\"" +
          Int(top + 2) + "\" width=\"" + Int(kChartW) + "\" height=\"" +
          Int(h) + "\"/>";
    if (shared_scale) {
      o_ += "<text x=\"" + Int(kLabelW + kChartW + 3) + "\" y=\"" +
            Int(top + 11) + "\" class=\"sub\">" + Int(ymax[0]) + "</text>";
    }
    for (size_t i = 0; i < series.size(); ++i) {
      std::vector<std::pair<long, long>> v;  // pixels
      long last_bucket = -1;
      for (const HistoryPoint& p : series[i].first->points()) {
        if (p.at < t0_) continue;
        const long x = std::lround(X(p.at));
        const long y = std::lround(top + 2 + h - p.value / ymax[i] * (h - 2));
        const long bucket = x / kPixelsPerPoint;
        const size_t n = v.size();
        if (n && bucket == last_bucket) {
          v.back() = {x, y};  // one point per few pixels: the newest
        } else if (n >= 2 && v[n - 1].second == y && v[n - 2].second == y) {
          v.back() = {x, y};  // a flat run needs only its ends
        } else {
          v.emplace_back(x, y);
        }
        last_bucket = bucket;
      }
      std::string pts;
      for (const auto& [x, y] : v)
        pts += std::to_string(x) + "," + std::to_string(y) + " ";
      if (pts.empty()) continue;
      o_ += "<polyline class=\"l" + std::to_string(i) + "\" points=\"" + pts +
            "\"/>";
    }
    y_ += kChartH;
  }

  void Raw(const std::string& s) { o_ += s; }
  int y() const { return y_; }
  void Skip(int dy) { y_ += dy; }
  TimePoint t0() const { return t0_; }
  TimePoint now() const { return now_; }

  // The hour grid and the time axis, then the whole SVG.
  std::string Finish(const std::string& cluster) {
    const int axis = y_ + 4;
    std::string grid;
    // Ticks every 1, 5, 10 or 30 minutes or every hour: at most 8.
    using std::chrono::minutes;
    minutes tick{60};
    for (minutes m : {minutes(1), minutes(5), minutes(10), minutes(30)}) {
      if ((now_ - t0_) / m <= 8) {
        tick = m;
        break;
      }
    }
    const auto since = std::chrono::ceil<minutes>(t0_.time_since_epoch());
    for (auto t = TimePoint((since + tick - minutes(1)) / tick * tick);
         t <= now_; t += tick) {
      const std::string x = Int(X(t));
      grid += "<line class=\"ax\" x1=\"" + x + "\" y1=\"0\" x2=\"" + x +
              "\" y2=\"" + Int(axis) + "\"/><text x=\"" + x + "\" y=\"" +
              Int(axis + 13) + "\" text-anchor=\"middle\">" +
              Clock(t).substr(0, 5) + "</text>";
    }
    grid += "<text x=\"" + Int(kLabelW + kChartW) + "\" y=\"" + Int(axis + 26) +
            "\" text-anchor=\"end\" class=\"sub\">now " + Clock(now_) +
            " UTC</text>";
    const int height = axis + 32;
    return "<svg class=\"hist\" xmlns=\"http://www.w3.org/2000/svg\" "
           "role=\"img\" data-cluster=\"" +
           HtmlEscape(cluster) + "\" viewBox=\"0 0 " + Int(kWidth) + " " +
           Int(height) + "\"><title>History of " + HtmlEscape(cluster) + ", " +
           Clock(t0_) + " to " + Clock(now_) + " UTC</title>" + grid + o_ +
           "</svg>";
  }

 private:
  static std::string Clip(const std::string& s) {
    return s.size() <= 32 ? s : s.substr(0, 31) + "…";
  }

  TimePoint now_;
  TimePoint t0_;
  int y_ = 0;
  std::string o_;
};

std::string JobStateClass(const std::string& state) {
  if (state == "RUNNING" || state == "FINISHED") return "h-ok";
  if (state == "FAILED") return "h-bad";
  if (state == "RESTARTING" || state == "FAILING" || state == "CANCELLING" ||
      state == "INITIALIZING" || state == "RECONCILING" || state == "CREATED")
    return "h-warn";
  return "h-idle";
}

std::string UpClass(const std::string& v) {
  if (v == "up" || v == "yes" || v == "connected" || v == "leader" ||
      v == "follower" || v == "standalone" || v == "observer")
    return "h-ok";
  if (v == "pending" || v == "connecting" || v.empty()) return "h-idle";
  return "h-bad";
}

// The failover marks over the leadership lanes: a band from the loss to the
// new leader, ticks at the recovery phases, linked to the report.
void FailoverMarks(Svg& svg, const ClusterHistory& h, const ClusterState* c,
                   size_t index, int top, int bottom) {
  for (const FailoverMark& m : h.failovers) {
    const TimePoint end = m.leader_at.value_or(svg.now());
    if (end < svg.t0()) continue;
    const double x1 = svg.X(m.lost_at);
    const double w = std::max(3.0, svg.X(end) - x1);
    const double took = Between(m.lost_at, end);
    std::string title = "failover: " +
                        (m.lost_jobmanager.empty() ? std::string("the leader")
                                                   : m.lost_jobmanager) +
                        " lost (" + m.cause + ") at " + Clock(m.lost_at) +
                        " UTC";
    if (m.leader_at) {
      title += ", " +
               (m.new_jobmanager.empty() ? std::string("a new leader")
                                         : m.new_jobmanager) +
               " served after " + Seconds(took);
    } else {
      title += ", no leader for " + Seconds(took) + " (in progress)";
    }
    struct Phase {
      const char* name;
      const std::optional<TimePoint>& at;
    };
    const Phase phases[] = {{"job running", m.job_running_at},
                            {"first checkpoint", m.checkpoint_at},
                            {"first output file", m.output_at}};
    for (const Phase& p : phases) {
      if (p.at)
        title += "; " + std::string(p.name) + " +" +
                 Seconds(Between(m.lost_at, *p.at));
    }
    // Link to the report row while the snapshot still has it.
    bool reported = false;
    if (c && c->failover) {
      for (const FailoverReport& r : c->failover->reports)
        reported = reported || r.lost_at == m.lost_at;
    }
    svg.Raw(std::string("<g class=\"failover\" data-lost-at=\"") +
            std::to_string(EpochMs(m.lost_at)) + "\" data-duration=\"" +
            (m.leader_at ? Int(took * 1000) : std::string("open")) + "\">");
    if (reported)
      svg.Raw("<a href=\"#" + FailoverAnchor(index, m.lost_at) + "\">");
    svg.Raw("<rect class=\"h-fo\" x=\"" + Int(x1) + "\" y=\"" + Int(top) +
            "\" width=\"" + Int(w) + "\" height=\"" + Int(bottom - top) +
            "\"><title>" + HtmlEscape(title) + "</title></rect>");
    for (const Phase& p : phases) {
      if (!p.at) continue;
      const std::string x = Int(svg.X(*p.at));
      svg.Raw("<line class=\"h-ph\" x1=\"" + x + "\" y1=\"" + Int(top) +
              "\" x2=\"" + x + "\" y2=\"" + Int(top + 6) + "\"><title>" +
              p.name + " +" + Seconds(Between(m.lost_at, *p.at)) +
              "</title></line>");
    }
    svg.Raw("<text x=\"" + Int(x1) + "\" y=\"" + Int(top - 2) +
            "\" class=\"sub\">" +
            HtmlEscape(m.leader_at ? Seconds(took) : "failover…") + "</text>");
    if (reported) svg.Raw("</a>");
    svg.Raw("</g>");
  }
}

// "checkpoint 12.0 s ago (interval 10.0 s)" from the snapshot.
std::string CheckpointNow(const ClusterState* c, const std::string& job_id,
                          TimePoint now, bool* late) {
  *late = false;
  if (!c) return "";
  auto it = c->checkpoints.find(job_id);
  if (it == c->checkpoints.end() || !it->second) return "";
  const JobCheckpointObservation& o = *it->second;
  std::optional<CompletedCheckpoint> last = o.last_completed_ever;
  if (!last && o.stats) last = o.stats->latest_completed;
  std::string out;
  double interval = 0;
  if (o.config) interval = static_cast<double>(o.config->interval_ms) / 1000;
  if (last) {
    const double age = Between(
        TimePoint(std::chrono::milliseconds(last->latest_ack_timestamp_ms)),
        now);
    out = "checkpoint " + Seconds(std::max(0.0, age)) + " ago";
    *late = interval > 0 && age > 2 * interval;
  } else {
    out = "no checkpoint yet";
  }
  if (interval > 0) out += " / every " + Seconds(interval);
  if (o.num_restarts) out += ", restarts " + std::to_string(*o.num_restarts);
  return out;
}

std::string OutputNow(const ClusterState* c, const std::string& path,
                      TimePoint now) {
  if (!c) return "";
  auto it = c->outputs.find(path);
  if (it == c->outputs.end() || !it->second) return "";
  const OutputObservation& o = *it->second;
  std::string out;
  if (o.last_file_timestamp_seconds) {
    const double age =
        std::chrono::duration<double>(now.time_since_epoch()).count() -
        *o.last_file_timestamp_seconds;
    out = "newest file " + Seconds(std::max(0.0, age)) + " ago";
  } else {
    out = "no file yet";
  }
  return out + ", " + std::to_string(o.in_progress_files) + " in progress";
}

}  // namespace

std::string FailoverAnchor(size_t cluster_index, TimePoint lost_at) {
  return "fo-" + std::to_string(cluster_index) + "-" +
         std::to_string(EpochMs(lost_at));
}

std::string ClusterHistorySvg(const std::string& cluster,
                              const ClusterHistory& h, const ClusterState* c,
                              size_t index, TimePoint now) {
  // A young history fills the width (at least kMinAxis), an old one shows
  // the whole window.
  TimePoint t0 = now - kHistoryWindow;
  if (!h.leader.spans().empty())
    t0 = std::max(t0, std::min(h.leader.spans().front().from, now - kMinAxis));
  Svg svg(t0, now);
  // Leadership: configured JobManagers keep their colour.
  auto leader_class = [c](const std::string& v) -> std::string {
    if (v.empty()) return "h-gap";
    if (c && c->config) {
      for (size_t i = 0; i < c->config->jobmanagers.size(); ++i) {
        if (c->config->jobmanagers[i].name == v)
          return "j" + std::to_string(i % 4);
      }
    }
    return "j4";
  };
  svg.Heading("Leadership");
  svg.Skip(10);  // room for the failover labels
  const int top = svg.Lane("serving leader", "", h.leader, leader_class,
                           /*names_inside=*/true, "leader");
  svg.Lane(
      "standby", "", h.standby,
      [](const std::string& v) {
        return v == "yes" ? std::string("h-ok") : std::string("h-warn");
      },
      false, "standby");
  FailoverMarks(svg, h, c, index, top, svg.y());

  if (!h.jobs.empty()) svg.Heading("Jobs");
  for (const auto& [id, j] : h.jobs) {
    bool late = false;
    const std::string now_text = CheckpointNow(c, id, now, &late);
    svg.Lane(j.name.empty() ? id : j.name, "", j.state, JobStateClass, true,
             "job");
    svg.Chart("checkpoints",
              {{&j.checkpoints_completed, "completed"},
               {&j.checkpoints_failed, "failed"},
               {&j.restarts, "restarts"}},
              (late ? "LATE: " : "") + now_text, /*shared_scale=*/false);
  }

  svg.Heading("TaskManagers and slots");
  const int tm_top = svg.y();
  std::string tm_now;
  if (c && c->taskmanagers) {
    tm_now = std::to_string(c->taskmanagers->taskmanagers.size()) +
             " listed, " + std::to_string(c->taskmanagers->lost_total) +
             " lost since start";
  }
  svg.Chart("TaskManagers",
            {{&h.taskmanagers, "TMs"},
             {&h.slots_total, "slots"},
             {&h.slots_available, "free"}},
            tm_now, /*shared_scale=*/true);
  for (const LostTaskManagerMark& m : h.lost_taskmanagers) {
    if (m.at < svg.t0()) continue;
    const double x = svg.X(m.at);
    svg.Raw("<path class=\"h-tm\" data-lost-taskmanager=\"\" d=\"M" + Int(x) +
            " " + Int(tm_top + 2) + "l-4 -7h8z\"><title>TaskManager " +
            HtmlEscape(m.address) + " lost at " + Clock(m.at) +
            " UTC</title></path>");
  }

  if (!h.outputs.empty()) svg.Heading("Output");
  for (const auto& [path, o] : h.outputs) {
    svg.Chart(
        path,
        {{&o.files_committed, "committed"}, {&o.in_progress, "in progress"}},
        OutputNow(c, path, now), /*shared_scale=*/false);
  }

  if (!h.zookeeper_session.spans().empty() || !h.zookeeper_servers.empty()) {
    svg.Heading("ZooKeeper");
    if (!h.zookeeper_session.spans().empty())
      svg.Lane("session", "", h.zookeeper_session, UpClass, true, "zk-session");
    for (const auto& [server, s] : h.zookeeper_servers)
      svg.Lane(server, "", s, UpClass, true, "zk-server");
  }
  if (!h.sources.empty()) {
    svg.Heading("Exporter sources");
    for (const auto& [id, s] : h.sources)
      svg.Lane(id, "", s, UpClass, false, "source");
  }
  return svg.Finish(cluster);
}

}  // namespace flinkha
