//===- ModelFunctions.h - Finding the model functions -----------*- C++ -*-===//
//
// The nn-level passes work on each function marked `nn.model`.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_PASSES_MODELFUNCTIONS_H
#define MYELIN_PASSES_MODELFUNCTIONS_H

#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace myelin {

/// The functions of `module` marked `nn.model`, collected up front so that
/// passes may add functions while they iterate.
inline llvm::SmallVector<mlir::func::FuncOp>
getModelFunctions(mlir::ModuleOp module) {
  llvm::SmallVector<mlir::func::FuncOp> models;
  for (auto func : module.getOps<mlir::func::FuncOp>())
    if (func->hasAttr(nn::attrs::kModel))
      models.push_back(func);
  return models;
}

} // namespace myelin

#endif // MYELIN_PASSES_MODELFUNCTIONS_H
