//===- Undefined.cpp - A plugin with an unresolvable symbol -----*- C++ -*-===//
#include "mlir/Tools/Plugins/PassPlugin.h"

// Defined nowhere: the reference is data, so dlopen resolves it at load time
// and fails (as a plugin built against another Myelin would).
extern "C" int myelinTestMissingSymbol;
int *useMissingSymbol = &myelinTestMissingSymbol;

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Undefined", "0", [] {}};
}
