//===- Relu6Ops.td - The nnx dialect: relu6 ----------------*- tablegen -*-===//
//
// A plugin dialect with one trainable op, `nnx.relu6`, and its gradient op.
// Both implement Myelin's op interfaces (ir/NNInterfaces.td): the gradient
// rule (DifferentiableOpInterface) and the lowering to linalg
// (LowerToLinalgOpInterface), so relu6 trains like a built-in nn op.
//===----------------------------------------------------------------------===//

#ifndef NNX_OPS
#define NNX_OPS

include "ir/NNInterfaces.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NNX_Dialect : Dialect {
  let name = "nnx";
  let summary = "Example Myelin plugin ops";
  let cppNamespace = "::nnx";
}

class NNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<NNX_Dialect, mnemonic, traits>;

def NNX_FloatTensor : StaticShapeTensorOf<[F32]>;

def NNX_Relu6Op : NNX_Op<"relu6", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>,
    DeclareOpInterfaceMethods<NN_LowerToLinalgOpInterface>]> {
  let summary = "min(max(x, 0), 6), elementwise";
  let description = [{
    ```mlir
    %y = nnx.relu6 %x : (tensor<8x16xf32>) -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins NNX_FloatTensor:$input);
  let results = (outs NNX_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NNX_Relu6GradOp : NNX_Op<"relu6_grad", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_LowerToLinalgOpInterface>]> {
  let summary = "Gradient of relu6: grad where 0 < input < 6, else 0";
  let description = [{
    ```mlir
    %dx = nnx.relu6_grad %dy, %x : tensor<8x16xf32>
    ```
  }];
  let arguments = (ins NNX_FloatTensor:$grad, NNX_FloatTensor:$input);
  let results = (outs NNX_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $input attr-dict `:` type($result)";
}

#endif // NNX_OPS
