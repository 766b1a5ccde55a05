//===- NNDialect.td - The nn dialect -----------------------*- tablegen -*-===//
//
// The `nn` dialect: the tensor-level IR that the Myelin frontend emits from a
// model spec and on which gradient generation, fusion and optimizer lowering
// run, before codegen lowers it to linalg.
//===----------------------------------------------------------------------===//

#ifndef NN_DIALECT
#define NN_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let summary = "Neural-network training ops on ranked static tensors";
  let description = [{
    Ops of the `nn` dialect work on statically shaped, ranked tensors of f32
    (features, parameters, activations) and i32 (class labels). A model is a
    `func.func` marked `nn.model` whose body declares its inputs and parameters
    with `nn.input`, `nn.label` and `nn.param` and returns the loss.
  }];
  let cppNamespace = "::myelin::nn";
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def NN_InitKind : I32EnumAttr<"InitKind", "parameter initializer", [
  I32EnumAttrCase<"zeros", 0>,
  I32EnumAttrCase<"ones", 1>,
  I32EnumAttrCase<"normal", 2>,
  I32EnumAttrCase<"uniform", 3>,
  I32EnumAttrCase<"xavier_uniform", 4>,
  I32EnumAttrCase<"xavier_normal", 5>,
  I32EnumAttrCase<"he_uniform", 6>,
  I32EnumAttrCase<"he_normal", 7>
]> {
  let cppNamespace = "::myelin::nn";
  // The attribute is generated below by EnumAttr, so it prints as
  // `#nn<init he_normal>` rather than as a bare integer.
  let genSpecializedAttr = 0;
}

def NN_InitKindAttr : EnumAttr<NN_Dialect, NN_InitKind, "init"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_OptimizerKind : I32EnumAttr<"OptimizerKind", "optimizer", [
  I32EnumAttrCase<"sgd", 0>,
  I32EnumAttrCase<"adam", 1>,
  I32EnumAttrCase<"adamw", 2>
]> {
  let cppNamespace = "::myelin::nn";
  let genSpecializedAttr = 0;
}

def NN_OptimizerKindAttr : EnumAttr<NN_Dialect, NN_OptimizerKind, "optimizer"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Types used by ops
//===----------------------------------------------------------------------===//

def NN_FloatTensor : StaticShapeTensorOf<[F32]>;
def NN_LabelTensor : StaticShapeTensorOf<[I32]>;
def NN_ScalarTensor : 0DTensorOf<[F32]> {
  // Buildable, so assembly formats need not spell `tensor<f32>` out.
  let builderCall = "::mlir::RankedTensorType::get({}, $_builder.getF32Type())";
}
def NN_AnyTensor : StaticShapeTensorOf<[F32, I32]>;

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

#endif // NN_DIALECT
