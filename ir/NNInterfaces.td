//===- NNInterfaces.td - nn op interfaces ------------------*- tablegen -*-===//
//
// DifferentiableOpInterface: each differentiable op builds its own
// vector-Jacobian product; nn-generate-gradients only walks the graph.
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

#endif // NN_INTERFACES
