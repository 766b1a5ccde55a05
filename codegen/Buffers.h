//===- Buffers.h - The table of runtime buffers -----------------*- C++ -*-===//
//
// myelin-lower-to-buffer-abi records every buffer the entry points use as
// the module attribute `myelin.buffers`; the object emitter turns that table
// into the runtime's model descriptor (runtime/include/myelin/runtime.h).
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_BUFFERS_H
#define MYELIN_CODEGEN_BUFFERS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>
#include <vector>

namespace myelin {

/// Module attribute holding the buffer table (an array of dictionaries).
constexpr llvm::StringLiteral kBuffersAttrName = "myelin.buffers";
/// Module attributes naming the model and holding its train block.
constexpr llvm::StringLiteral kModelNameAttrName = "myelin.model";
constexpr llvm::StringLiteral kTrainAttrName = "myelin.train";
/// Unit module attribute: the training entry points use dropout.
constexpr llvm::StringLiteral kStochasticAttrName = "myelin.stochastic";
/// Set by nn-instrument-physics: the default sampling period (i32) and the
/// table of grad_step's NaN/Inf checks (an array of {op, layer, loc,
/// backward} dictionaries).
constexpr llvm::StringLiteral kPhysicsEveryAttrName = "myelin.physics_every";
constexpr llvm::StringLiteral kChecksAttrName = "myelin.checks";

/// One buffer of the runtime ABI.
struct BufferInfo {
  std::string name;
  int32_t role = 0; ///< myelin_rt_role
  mlir::RankedTensorType type;
  int32_t init = 0; ///< myelin_rt_init, for parameters
  float initA = 0, initB = 0;
  std::string related; ///< parameter a grad/state buffer belongs to
  std::string loc;     ///< "file:line:col" of the declaration, if known
  std::string activation; ///< LAYER_STATS: the layer's activation kind
};

mlir::ArrayAttr encodeBufferTable(mlir::MLIRContext *ctx,
                                  llvm::ArrayRef<BufferInfo> buffers);
/// Fails if the attribute is missing or malformed.
mlir::FailureOr<std::vector<BufferInfo>> decodeBufferTable(mlir::Operation *module);

} // namespace myelin

#endif // MYELIN_CODEGEN_BUFFERS_H
