//===- SvgTest.cpp - Tests of the SVG plot helpers ------------------------===//
//
// Tick choice, labels, escaping, and that non-finite points break a line
// instead of being drawn.
//===----------------------------------------------------------------------===//

#include "tools/myelin/Svg.h"
#include "tools/myelin/Report.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace myelin::report;

TEST(SvgTest, LinearTicksAreNiceSteps) {
  EXPECT_EQ(linearTicks(0, 10), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(linearTicks(0.37, 2.3), (std::vector<double>{0.5, 1, 1.5, 2}));
  EXPECT_EQ(linearTicks(-1, 1), (std::vector<double>{-1, -0.5, 0, 0.5, 1}));
}

TEST(SvgTest, LogTicksArePowersOfTen) {
  EXPECT_EQ(logTicks(1e-6, 1),
            (std::vector<double>{1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1}));
  // Narrow ranges also get 2 and 5.
  std::vector<double> narrow = logTicks(0.1, 10);
  ASSERT_EQ(narrow.size(), 7u);
  EXPECT_DOUBLE_EQ(narrow[1], 0.2);
  EXPECT_DOUBLE_EQ(narrow[2], 0.5);
}

TEST(SvgTest, TickLabels) {
  EXPECT_EQ(tickLabel(0), "0");
  EXPECT_EQ(tickLabel(0.25), "0.25");
  EXPECT_EQ(tickLabel(1e-5), "1e-5");
  EXPECT_EQ(tickLabel(2e+12), "2e12");
  EXPECT_EQ(tickLabel(1000), "1000");
}

TEST(SvgTest, EscapesText) {
  EXPECT_EQ(escapeHtml("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
}

TEST(SvgTest, NonFinitePointsBreakTheLine) {
  LinePlot plot("t", "title <x>", "step", "loss");
  Series s("s");
  s.points = {{1, 1.0}, {2, 2.0}, {3, std::nan("")}, {4, 1.5}, {5, 1.0}};
  plot.series.push_back(s);
  std::string out;
  llvm::raw_string_ostream os(out);
  EXPECT_EQ(writeLinePlot(os, plot), 4u);
  EXPECT_NE(out.find("data-points=\"4\""), std::string::npos);
  EXPECT_NE(out.find("aria-label=\"title &lt;x&gt;\""), std::string::npos);
  // Two sub-paths: M . L . then M . L .
  size_t d = out.find("<path class=\"series\" d=\"");
  ASSERT_NE(d, std::string::npos);
  std::string path = out.substr(d, out.find('"', d + 26) - d);
  EXPECT_EQ(std::count(path.begin(), path.end(), 'M'), 2);
  EXPECT_EQ(std::count(path.begin(), path.end(), 'L'), 2);
}

TEST(SvgTest, LogScaleSkipsNonPositiveValues) {
  LinePlot plot("t", "t", "step", "norm");
  plot.logY = true;
  Series s("s");
  s.points = {{1, 0.0}, {2, 1e-3}, {3, 1e-2}, {4, -1.0}};
  plot.series.push_back(s);
  std::string out;
  llvm::raw_string_ostream os(out);
  EXPECT_EQ(writeLinePlot(os, plot), 2u);
}

TEST(SvgTest, DefaultOutputPathAndSmoothing) {
  EXPECT_EQ(defaultOutputPath("run.jsonl"), "run.html");
  EXPECT_EQ(defaultOutputPath("dir/a.b.json"), "dir/a.b.html");
  EXPECT_EQ(defaultOutputPath("log"), "log.html");
  EXPECT_EQ(defaultOutputPath("-"), "-");
  std::vector<double> s = smooth({1, 1, std::nan(""), 1}, 5);
  EXPECT_DOUBLE_EQ(s[0], 1);
  EXPECT_TRUE(std::isnan(s[2]));
  EXPECT_DOUBLE_EQ(s[3], 1);
  std::vector<double> step = smooth({0, 0, 0, 10}, 1); // span 1: no smoothing
  EXPECT_DOUBLE_EQ(step[3], 10);
}

TEST(SvgTest, DecimationKeepsSpikesAndGaps) {
  std::vector<std::pair<double, double>> points;
  for (int i = 0; i < 10000; ++i)
    points.push_back({double(i), i == 4321 ? 1000.0 : 1.0 + (i % 7) * 0.01});
  points[7000].second = std::nan("");
  auto out = decimate(points, /*logY=*/false, 100);
  EXPECT_LE(out.size(), 150u);
  double maxY = 0;
  int gaps = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (std::isnan(out[i].second)) {
      ++gaps;
      continue;
    }
    maxY = std::max(maxY, out[i].second);
    if (i) {
      EXPECT_LE(out[i - 1].first, out[i].first);
    }
  }
  EXPECT_EQ(maxY, 1000.0);
  EXPECT_EQ(gaps, 1);
  // Short series are left alone.
  EXPECT_EQ(decimate({{0, 1}, {1, 2}}, false, 100).size(), 2u);
}

TEST(SvgTest, HeatMapMergesColumnsAndMarksNonFinite) {
  HeatMap heat("h", "t", "step", "norm");
  heat.rows = {"h1", "out"};
  heat.values.resize(2);
  for (int i = 0; i < 300; ++i) {
    heat.columns.push_back(i);
    heat.values[0].push_back(i == 150 ? INFINITY : 1e-3);
    heat.values[1].push_back(i < 100 ? std::nan("") : 1.0);
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  // 300 columns merge 3 to 1: 100 cells for h1, 67 for out (from step 99).
  EXPECT_EQ(writeHeatMap(os, heat), 167u);
  EXPECT_NE(out.find("<title>h1 step 150: non-finite</title>"),
            std::string::npos);
  EXPECT_NE(out.find("<title>h1 step 0: 0.001</title>"), std::string::npos);
  EXPECT_NE(out.find("<title>out step 99: 1</title>"), std::string::npos);
  EXPECT_EQ(out.find("<title>out step 96:"), std::string::npos);
}
