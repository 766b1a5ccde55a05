//===- Relu6.cpp - Op plugin: the nnx dialect with relu6 --------*- C++ -*-===//
//
// An MLIR dialect plugin for Myelin. It adds `nnx.relu6` with
//  - shape inference (InferTypeOpAdaptor): the result is shaped like x;
//  - a gradient rule (myelin::nn::DifferentiableOpInterface):
//    dx = nnx.relu6_grad(dy, x);
//  - a lowering (myelin::nn::LowerToLinalgOpInterface) of both ops to
//    elementwise linalg.generics, built with Myelin's codegen helpers.
// A spec calls it as `relu6(x)` when the plugin is loaded:
//
//   myelinc --load-dialect-plugin=Relu6.so model.nn -o train
//
// The plugin exports mlirGetDialectPluginInfo, MLIR's dialect-plugin entry
// point.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNInterfaces.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "llvm/Config/llvm-config.h"

#include "Relu6Dialect.h.inc"

#define GET_OP_CLASSES
#include "Relu6Ops.h.inc"

using namespace mlir;
using namespace myelin::codegen;

#include "Relu6Dialect.cpp.inc"

#define GET_OP_CLASSES
#include "Relu6Ops.cpp.inc"

void nnx::NNXDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Relu6Ops.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// nnx.relu6
//===----------------------------------------------------------------------===//

LogicalResult nnx::Relu6Op::inferReturnTypes(MLIRContext *,
                                             std::optional<Location>,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

/// dx = dy where 0 < x < 6, else 0.
LogicalResult
nnx::Relu6Op::buildGradient(OpBuilder &b, ValueRange resultGrads,
                            SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0]) {
    operandGrads.push_back(Value());
    return success();
  }
  operandGrads.push_back(
      b.create<Relu6GradOp>(getLoc(), resultGrads[0], getInput()));
  return success();
}

/// x <= 0 ? 0 : (x >= 6 ? 6 : x), as selects so that NaN propagates.
LogicalResult nnx::Relu6Op::lowerToLinalg(OpBuilder &b,
                                          SmallVectorImpl<Value> &results) {
  auto type = cast<RankedTensorType>(getType());
  ValueRange lowered = buildElementwise(
      b, getLoc(), type, getInput(), 1,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value x = args[0];
        Value zero = f32Const(b, loc, 0.0f), six = f32Const(b, loc, 6.0f);
        Value low =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLE, x, zero);
        Value high =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x, six);
        Value y = b.create<arith::SelectOp>(loc, high, six, x);
        return SmallVector<Value>{b.create<arith::SelectOp>(loc, low, zero, y)};
      });
  results.append(lowered.begin(), lowered.end());
  return success();
}

//===----------------------------------------------------------------------===//
// nnx.relu6_grad
//===----------------------------------------------------------------------===//

LogicalResult nnx::Relu6GradOp::lowerToLinalg(OpBuilder &b,
                                              SmallVectorImpl<Value> &results) {
  auto type = cast<RankedTensorType>(getType());
  ValueRange lowered = buildElementwise(
      b, getLoc(), type, ValueRange{getGrad(), getInput()}, 1,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value dy = args[0], x = args[1];
        Value zero = f32Const(b, loc, 0.0f), six = f32Const(b, loc, 6.0f);
        Value above =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, zero);
        Value below =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, six);
        Value inside = b.create<arith::AndIOp>(loc, above, below);
        return SmallVector<Value>{
            b.create<arith::SelectOp>(loc, inside, dy, zero)};
      });
  results.append(lowered.begin(), lowered.end());
  return success();
}

//===----------------------------------------------------------------------===//
// Plugin entry point
//===----------------------------------------------------------------------===//

/// MLIR's dialect-plugin entry point: registers the nnx dialect.
extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {
      MLIR_PLUGIN_API_VERSION, "Relu6", LLVM_VERSION_STRING,
      [](DialectRegistry *registry) { registry->insert<nnx::NNXDialect>(); }};
}
