//===- SpecFile.h - Test helper: an in-memory .nn file ----------*- C++ -*-===//
//
// Wraps a SourceMgr holding one spec buffer and captures every diagnostic as
// `line:col: error: message` (col 1-based, in bytes) plus the exact text the
// default printer would have written, so tests can assert both.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TESTS_UNIT_FRONTEND_SPECFILE_H
#define MYELIN_TESTS_UNIT_FRONTEND_SPECFILE_H

#include "frontend/Parser.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace myelin::frontend::test {

class SpecFile {
public:
  explicit SpecFile(llvm::StringRef text, llvm::StringRef name = "test.nn") {
    bufferId = sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
    sourceMgr.setDiagHandler(&SpecFile::handleDiagnostic, this);
  }

  std::unique_ptr<ModuleAST> parse() {
    return parseModule(sourceMgr, bufferId);
  }

  /// "line:col" of a location in this file.
  std::string lineCol(llvm::SMLoc loc) const {
    auto [line, col] = sourceMgr.getLineAndColumn(loc, bufferId);
    return std::to_string(line) + ":" + std::to_string(col);
  }

  /// Number of DK_Error diagnostics (notes are not counted).
  unsigned errorCount() const { return errors; }

  llvm::SourceMgr sourceMgr;
  unsigned bufferId;
  /// One entry per diagnostic: "3:7: error: message" or "3:7: note: ...".
  std::vector<std::string> diagnostics;
  /// Everything the default printer would have printed, without colors.
  std::string printed;

private:
  static void handleDiagnostic(const llvm::SMDiagnostic &diag, void *context) {
    auto *self = static_cast<SpecFile *>(context);
    bool isError = diag.getKind() == llvm::SourceMgr::DK_Error;
    self->errors += isError;
    self->diagnostics.push_back(std::to_string(diag.getLineNo()) + ":" +
                                std::to_string(diag.getColumnNo() + 1) +
                                (isError ? ": error: " : ": note: ") +
                                diag.getMessage().str());
    llvm::raw_string_ostream os(self->printed);
    diag.print(nullptr, os, /*ShowColors=*/false);
  }

  unsigned errors = 0;
};

/// Parses `text`, expects failure with exactly one error, and returns that
/// error as "line:col: error: message" (or "<no error>").
inline std::string parseError(llvm::StringRef text) {
  SpecFile file(text);
  std::unique_ptr<ModuleAST> module = file.parse();
  if (module)
    return "<parsed successfully>";
  if (file.errorCount() != 1)
    return "<" + std::to_string(file.errorCount()) + " errors>";
  return file.diagnostics.front();
}

} // namespace myelin::frontend::test

#endif // MYELIN_TESTS_UNIT_FRONTEND_SPECFILE_H
