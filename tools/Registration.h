//===- Registration.h - Dialects and passes Myelin's tools use --*- C++ -*-===//
//
// One place that lists what myelinc and myelin-opt register, so the two
// tools always accept the same IR and passes.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TOOLS_REGISTRATION_H
#define MYELIN_TOOLS_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace myelin {
/// nn plus every upstream dialect the lowering goes through, with their
/// bufferization and LLVM-translation interfaces.
void registerAllDialects(mlir::DialectRegistry &registry);
/// Myelin's passes, the training pipeline, and the upstream passes the
/// pipeline uses.
void registerAllPasses();
} // namespace myelin

#endif // MYELIN_TOOLS_REGISTRATION_H
