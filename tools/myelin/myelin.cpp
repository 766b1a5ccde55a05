//===- myelin.cpp - The `myelin` tool: commands about training runs -------===//
//
// `myelin report RUN.jsonl [-o report.html]` reads a training executable's
// `--log` file and writes one self-contained HTML page with the loss curves,
// the gradient flow, update ratios, activation statistics and warnings in
// words; it prints the warnings to stdout as a short summary.
//===----------------------------------------------------------------------===//

#include "tools/myelin/Analysis.h"
#include "tools/myelin/Report.h"
#include "tools/myelin/RunLog.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace myelin::report;

static cl::OptionCategory clCategory("myelin options");

static cl::SubCommand clReport(
    "report",
    "Write one self-contained HTML page (inline SVG plots, warnings in words) "
    "about a training run's JSON-lines log (--log FILE)");
static cl::opt<std::string>
    clReportInput(cl::Positional, cl::Required,
                  cl::desc("<run.jsonl or - for stdin>"), cl::sub(clReport),
                  cl::cat(clCategory));
static cl::opt<std::string>
    clReportOutput("o",
                   cl::desc("Output HTML file ('-' for stdout; default: the "
                            "input with extension .html)"),
                   cl::value_desc("file"), cl::sub(clReport),
                   cl::cat(clCategory));
static cl::opt<bool>
    clReportStrict("strict",
                   cl::desc("Exit with status 2 if there are warnings"),
                   cl::sub(clReport), cl::cat(clCategory));
static cl::opt<bool> clReportQuiet("quiet",
                                   cl::desc("Do not print the summary"),
                                   cl::sub(clReport), cl::cat(clCategory));

static int runReport() {
  Expected<RunLog> log = readRunLog(clReportInput);
  if (!log) {
    errs() << toString(log.takeError()) << "\n";
    return 1;
  }
  std::vector<Warning> warnings = analyzeRun(*log);

  std::string outPath = clReportOutput.getNumOccurrences()
                            ? clReportOutput.getValue()
                            : defaultOutputPath(clReportInput);
  std::error_code ec;
  ToolOutputFile out(outPath, ec, sys::fs::OF_Text);
  if (ec) {
    errs() << outPath << ": error: cannot write: " << ec.message() << "\n";
    return 1;
  }
  writeHtmlReport(out.os(), *log, warnings, clReportInput);
  out.os().close();
  if (out.os().has_error()) {
    errs() << outPath << ": error: cannot write: " << out.os().error().message()
           << "\n";
    out.os().clear_error();
    return 1;
  }
  out.keep();

  // With the page on stdout, the summary goes to stderr.
  raw_ostream &summary = outPath == "-" ? errs() : outs();
  if (!clReportQuiet) {
    writeTextSummary(summary, *log, warnings, clReportInput);
    if (outPath != "-")
      summary << "wrote " << outPath << "\n";
  }
  return clReportStrict && !warnings.empty() ? 2 : 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(clCategory, clReport);
  cl::HideUnrelatedOptions(clCategory, cl::SubCommand::getTopLevel());
  cl::ParseCommandLineOptions(argc, argv,
                              "myelin: tools for Myelin training runs\n\n"
                              "  myelin report RUN.jsonl [-o report.html]\n");
  if (clReport)
    return runReport();
  errs() << "myelin: error: no command given; try 'myelin report RUN.jsonl' "
            "or 'myelin --help'\n";
  return 1;
}
