//===- Registration.h - Dialects and passes Myelin's tools use --*- C++ -*-===//
//
// One place that lists what myelinc and myelin-opt register, so the two
// tools always accept the same IR and passes, and how both load plugins
// (docs/plugins.md) and report a pass that fails or breaks the IR.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TOOLS_REGISTRATION_H
#define MYELIN_TOOLS_REGISTRATION_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
class DialectRegistry;
class PassManager;
} // namespace mlir

namespace myelin {
/// nn plus every upstream dialect the lowering goes through, with their
/// bufferization and LLVM-translation interfaces.
void registerAllDialects(mlir::DialectRegistry &registry);
/// Myelin's passes, the training pipeline, and the upstream passes the
/// pipeline uses.
void registerAllPasses();

/// Loads the MLIR pass plugin at `path` (entry point mlirGetPassPluginInfo)
/// and registers its passes. The error names the file and the reason.
llvm::Error loadPassPlugin(llvm::StringRef path);
/// Loads the MLIR dialect plugin at `path` (entry point
/// mlirGetDialectPluginInfo) and lets it register its dialects into
/// `registry`. Appends the names of the dialects it added to `dialects`.
llvm::Error loadDialectPlugin(llvm::StringRef path,
                              mlir::DialectRegistry &registry,
                              llvm::SmallVectorImpl<std::string> &dialects);

/// Plugins named on a command line.
struct PluginArgs {
  llvm::SmallVector<std::string> passPlugins, dialectPlugins;
  /// The command line without the plugin options.
  llvm::SmallVector<char *> rest;
};
/// Finds `--load-pass-plugin=F` / `--load-dialect-plugin=F` (also with the
/// value as the next argument) in argv, for tools that must load plugins
/// before they parse the rest of their command line.
PluginArgs scanPluginArgs(int argc, char **argv);

/// Adds an instrumentation that names the pass whose output the verifier
/// rejected, "the IR is invalid after pass 'X'" (the verifier's own messages
/// do not name the pass).
void addFailedPassReporting(mlir::PassManager &pm);
} // namespace myelin

#endif // MYELIN_TOOLS_REGISTRATION_H
