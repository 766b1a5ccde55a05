//===- NNDialect.cpp - The nn dialect ---------------------------*- C++ -*-===//
//
// Registers the nn dialect's ops and attributes.
//===----------------------------------------------------------------------===//

#include "ir/NNDialect.h"
#include "ir/NNOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace myelin::nn;

#include "ir/NNDialect.cpp.inc"
#include "ir/NNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/NNAttrs.cpp.inc"

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/NNOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ir/NNAttrs.cpp.inc"
      >();
}
