//===- Report.h - `myelin report`: a run log as one HTML page ---*- C++ -*-===//
//
// writeHtmlReport renders a RunLog and its warnings as a self-contained HTML
// page: inline CSS, inline SVG plots and a small inline script that measures
// the rendered plots (data-rendered-* attributes) so a headless browser can
// prove they are non-empty. Nothing is loaded from the network.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TOOLS_MYELIN_REPORT_H
#define MYELIN_TOOLS_MYELIN_REPORT_H

#include "tools/myelin/Analysis.h"
#include "tools/myelin/RunLog.h"

#include "llvm/Support/raw_ostream.h"

namespace myelin::report {

/// The plot ids the report can contain (data-plot attributes): "loss",
/// "grad-flow", "grad-depth", "update-ratio", "activations".
void writeHtmlReport(llvm::raw_ostream &os, const RunLog &log,
                     const std::vector<Warning> &warnings,
                     llvm::StringRef inputName);

/// The short text summary `myelin report` prints: one line about the run,
/// then one "warning: ..." line per warning.
void writeTextSummary(llvm::raw_ostream &os, const RunLog &log,
                      const std::vector<Warning> &warnings,
                      llvm::StringRef inputName);

/// run.jsonl -> run.html, dir/log.json -> dir/log.html, x -> x.html; stdin
/// ("-") -> stdout ("-").
std::string defaultOutputPath(llvm::StringRef input);

/// Exponential moving average of the finite values (NaN stays NaN in place),
/// bias-corrected, over a span of about `span` points.
std::vector<double> smooth(const std::vector<double> &values, double span);

} // namespace myelin::report

#endif // MYELIN_TOOLS_MYELIN_REPORT_H
