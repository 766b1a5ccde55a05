//===- NNDialect.h - The nn dialect -----------------------------*- C++ -*-===//
//
// Declares the nn dialect, its attributes and enums.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_IR_NNDIALECT_H
#define MYELIN_IR_NNDIALECT_H

#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "ir/NNDialect.h.inc"
#include "ir/NNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/NNAttrs.h.inc"

#endif // MYELIN_IR_NNDIALECT_H
