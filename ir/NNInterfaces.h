//===- NNInterfaces.h - nn op interfaces ------------------------*- C++ -*-===//
//
// DifferentiableOpInterface and LowerToLinalgOpInterface (NNInterfaces.td),
// the two interfaces through which ops of any dialect, including plugin
// dialects, take part in gradient generation and in codegen.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_IR_NNINTERFACES_H
#define MYELIN_IR_NNINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "ir/NNInterfaces.h.inc"

#endif // MYELIN_IR_NNINTERFACES_H
