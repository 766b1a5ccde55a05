//===- NNInterfaces.td - nn op interfaces ------------------*- tablegen -*-===//
//
// DifferentiableOpInterface: each differentiable op builds its own
// vector-Jacobian product; nn-generate-gradients only walks the graph.
// LowerToLinalgOpInterface: an op that builds its own linalg lowering, which
// myelin-lower-to-linalg applies to ops it has no pattern for. Together they
// let ops of other dialects (plugins, docs/plugins.md) train like nn ops.
//===----------------------------------------------------------------------===//

#ifndef NN_INTERFACES
#define NN_INTERFACES

include "mlir/IR/OpBase.td"

def NN_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let description = [{
    An op whose gradient (vector-Jacobian product) is known. Given the
    gradients of the loss with respect to the op's results, the op builds the
    gradients with respect to its operands.
  }];
  let cppNamespace = "::myelin::nn";
  let methods = [
    InterfaceMethod<[{
      Builds, at the builder's insertion point, the gradient of the loss with
      respect to each operand, given `resultGrads` (one per result; a null
      Value stands for a result the loss does not depend on). Appends one
      Value per operand to `operandGrads`, null for operands that are not
      differentiable (e.g. labels).
    }], "::mlir::LogicalResult", "buildGradient",
    (ins "::mlir::OpBuilder &":$builder,
         "::mlir::ValueRange":$resultGrads,
         "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

def NN_LowerToLinalgOpInterface : OpInterface<"LowerToLinalgOpInterface"> {
  let description = [{
    An op that lowers itself to linalg on tensors (with tensor, arith, math
    and scf ops). myelin-lower-to-linalg applies this to every op that
    implements it, so ops from other dialects (plugins) reach codegen like
    the nn ops, whose lowerings live in codegen/NNToLinalg/.
  }];
  let cppNamespace = "::myelin::nn";
  let methods = [
    InterfaceMethod<[{
      Builds, at the builder's insertion point (just before the op), the
      values that replace the op's results, one per result, and appends them
      to `results`. The operands are tensors (the op is still on tensors);
      the op itself is replaced and erased by the caller. Returns failure,
      after reporting why, if the op cannot be lowered.
    }], "::mlir::LogicalResult", "lowerToLinalg",
    (ins "::mlir::OpBuilder &":$builder,
         "::llvm::SmallVectorImpl<::mlir::Value> &":$results)>
  ];
}

#endif // NN_INTERFACES
