//===- NNOps.td - nn dialect ops ---------------------------*- tablegen -*-===//
//
// Ops of the `nn` dialect. Three groups: declarations (what the runtime
// provides: inputs, labels, parameters, optimizer state, hyper-parameters),
// forward compute ops (each differentiable through DifferentiableOpInterface),
// and the ops that gradient generation and optimizer lowering introduce.
//===----------------------------------------------------------------------===//

#ifndef NN_OPS
#define NN_OPS

include "ir/NNDialect.td"
include "ir/NNInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

// Declarations are Pure: they read buffers that the runtime owns and that do
// not change during one step, so CSE may merge two reads of the same name.

def NN_InputOp : NN_Op<"input", [Pure]> {
  let summary = "A batch of input features, provided by the runtime";
  let description = [{
    Declares a model input. The runtime fills it with one batch before each
    step; the name comes from the spec.

    ```mlir
    %x = nn.input "x" : tensor<128x784xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
}

def NN_LabelOp : NN_Op<"label", [Pure]> {
  let summary = "A batch of integer class labels, provided by the runtime";
  let description = [{
    ```mlir
    %y = nn.label "y" : tensor<128xi32>
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs NN_LabelTensor:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
}

def NN_ParamOp : NN_Op<"param", [Pure]> {
  let summary = "A trainable parameter";
  let description = [{
    Declares a trainable parameter with a stable, readable name (used in IR,
    logs and checkpoints) and its initializer. `init_a`/`init_b` are the
    initializer's arguments (mean/std for `normal`, bounds for `uniform`).
    Fan-in is the first dimension, fan-out the last.

    ```mlir
    %w = nn.param "h1.weight" init <he_normal> : tensor<784x512xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, NN_InitKindAttr:$init,
                   DefaultValuedAttr<F32Attr, "0.0f">:$init_a,
                   DefaultValuedAttr<F32Attr, "0.0f">:$init_b);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$name `init` $init attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def NN_OptStateOp : NN_Op<"opt_state", [Pure]> {
  let summary = "Optimizer state of one parameter, zero-initialized";
  let description = [{
    ```mlir
    %m = nn.opt_state "h1.weight.adam_m" of "h1.weight" : tensor<784x512xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, StrAttr:$param);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$name `of` $param attr-dict `:` type($result)";
}

def NN_HyperOp : NN_Op<"hyper", [Pure]> {
  let summary = "The step's hyper-parameters (learning rate, betas, ...)";
  let description = [{
    The runtime fills this vector before each step (layout in
    runtime/include/myelin/runtime.h: lr, beta1, beta2, eps, weight decay,
    bias corrections, step), so run-time flags override the spec.

    ```mlir
    %h = nn.hyper : tensor<16xf32>
    ```
  }];
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Forward compute ops
//===----------------------------------------------------------------------===//

def NN_MatMulOp : NN_Op<"matmul", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "2-D matrix product with optional transposed operands";
  let description = [{
    `result = op(lhs) * op(rhs)` where `op` transposes when `transpose_lhs` or
    `transpose_rhs` is set.

    ```mlir
    %c = nn.matmul %a, %b {transpose_rhs} : (tensor<8x4xf32>, tensor<16x4xf32>) -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs,
                   UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def NN_LinearOp : NN_Op<"linear", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Affine layer: input * weight + bias";
  let description = [{
    `input` is [B, K], `weight` is [K, N], `bias` is [N]; the result is [B, N].

    ```mlir
    %h = nn.linear %x, %w, %b : (tensor<128x784xf32>, tensor<784x512xf32>, tensor<512xf32>) -> tensor<128x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                   NN_FloatTensor:$bias);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$input `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)";
}

def NN_AddOp : NN_Op<"add", [Pure, Commutative, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Elementwise sum of two tensors of the same type";
  let description = [{
    ```mlir
    %s = nn.add %a, %b : tensor<128x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

/// Elementwise activations share one shape: tensor in, same tensor type out.
class NN_ActivationOp<string mnemonic, string fn> : NN_Op<mnemonic, [Pure,
    SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Elementwise " # fn;
  let description = [{
    ```mlir
    %y = nn.}] # mnemonic # [{ %x : tensor<128x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def NN_ReluOp : NN_ActivationOp<"relu", "max(x, 0)">;
def NN_SigmoidOp : NN_ActivationOp<"sigmoid", "1 / (1 + exp(-x))">;
def NN_TanhOp : NN_ActivationOp<"tanh", "tanh(x)">;

def NN_SoftmaxCrossEntropyOp : NN_Op<"softmax_cross_entropy", [Pure,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Per-sample cross-entropy of softmax(logits) against labels";
  let description = [{
    `logits` is [B, C], `labels` is [B] with values in [0, C); the result is
    the per-sample loss `logsumexp(logits[b]) - logits[b, labels[b]]`.

    ```mlir
    %l = nn.softmax_cross_entropy %logits, %y : (tensor<128x10xf32>, tensor<128xi32>) -> tensor<128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$logits, NN_LabelTensor:$labels);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$logits `,` $labels attr-dict `:` functional-type(operands, results)";
}

def NN_MeanOp : NN_Op<"mean", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Mean of all elements";
  let description = [{
    ```mlir
    %loss = nn.mean %l : tensor<128xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_ScalarTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

//===----------------------------------------------------------------------===//
// Gradient ops (introduced by nn-generate-gradients)
//===----------------------------------------------------------------------===//

def NN_ReluGradOp : NN_Op<"relu_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of relu: grad where input > 0, else 0";
  let description = [{
    ```mlir
    %dx = nn.relu_grad %dy, %x : tensor<128x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $input attr-dict `:` type($result)";
}

def NN_SigmoidGradOp : NN_Op<"sigmoid_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of sigmoid from its output: grad * y * (1 - y)";
  let description = [{
    ```mlir
    %dx = nn.sigmoid_grad %dy, %y : tensor<128x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$output);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $output attr-dict `:` type($result)";
}

def NN_TanhGradOp : NN_Op<"tanh_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of tanh from its output: grad * (1 - y^2)";
  let description = [{
    ```mlir
    %dx = nn.tanh_grad %dy, %y : tensor<128x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$output);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $output attr-dict `:` type($result)";
}

def NN_SoftmaxCrossEntropyGradOp : NN_Op<"softmax_cross_entropy_grad", [Pure,
    InferTypeOpAdaptor]> {
  let summary = "Gradient of softmax_cross_entropy w.r.t. the logits";
  let description = [{
    `result[b, c] = grad[b] * (softmax(logits[b])[c] - (c == labels[b]))`.

    ```mlir
    %d = nn.softmax_cross_entropy_grad %dl, %logits, %y : (tensor<128xf32>, tensor<128x10xf32>, tensor<128xi32>) -> tensor<128x10xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$logits,
                   NN_LabelTensor:$labels);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$grad `,` $logits `,` $labels attr-dict `:` functional-type(operands, results)";
}

def NN_BroadcastOp : NN_Op<"broadcast", [Pure]> {
  let summary = "Fills a tensor with a scalar times a constant factor";
  let description = [{
    The gradient of `nn.mean`: every element of the result is
    `input * scale`.

    ```mlir
    %d = nn.broadcast %g {scale = 7.812500e-03 : f32} : tensor<f32> -> tensor<128xf32>
    ```
  }];
  let arguments = (ins NN_ScalarTensor:$input,
                   DefaultValuedAttr<F32Attr, "1.0f">:$scale);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def NN_ReduceSumOp : NN_Op<"reduce_sum", [Pure, InferTypeOpAdaptor]> {
  let summary = "Sum over the given dimensions, which are dropped";
  let description = [{
    ```mlir
    %db = nn.reduce_sum %d dims [0] : tensor<128x512xf32> -> tensor<512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, DenseI64ArrayAttr:$dims);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$input `dims` $dims attr-dict `:` type($input) `->` type($result)";
}

//===----------------------------------------------------------------------===//
// Optimizer ops (introduced by nn-lower-optimizer)
//===----------------------------------------------------------------------===//

def NN_SgdUpdateOp : NN_Op<"sgd_update", [Pure,
    AllTypesMatch<["param", "grad", "momentum", "new_param", "new_momentum"]>]> {
  let summary = "One SGD step with momentum and L2 weight decay";
  let description = [{
    With `lr`, `mu` (momentum, hyper[1]) and `wd` (hyper[4]):
    `g' = grad + wd * param; v' = mu * v + g'; param' = param - lr * v'`.

    ```mlir
    %p1, %v1 = nn.sgd_update %p, %g, %v, %h : tensor<512xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$grad,
                   NN_FloatTensor:$momentum, NN_FloatTensor:$hyper);
  let results = (outs NN_FloatTensor:$new_param, NN_FloatTensor:$new_momentum);
  let assemblyFormat = [{
    $param `,` $grad `,` $momentum `,` $hyper attr-dict `:` type($param) `,` type($hyper)
  }];
}

def NN_AdamUpdateOp : NN_Op<"adam_update", [Pure,
    AllTypesMatch<["param", "grad", "m", "v", "new_param", "new_m", "new_v"]>]> {
  let summary = "One Adam (or, with `decoupled`, AdamW) step";
  let description = [{
    `m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g^2;
     param' = param - lr (m' c1 / (sqrt(v' c2) + eps) + wd param)` for AdamW
    (`decoupled`); for Adam the weight decay is added to the gradient
    instead. `c1`, `c2` are the bias corrections the runtime puts in hyper.

    ```mlir
    %p1, %m1, %v1 = nn.adam_update %p, %g, %m, %v, %h : tensor<512xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$grad,
                   NN_FloatTensor:$m, NN_FloatTensor:$v,
                   NN_FloatTensor:$hyper, UnitAttr:$decoupled);
  let results = (outs NN_FloatTensor:$new_param, NN_FloatTensor:$new_m,
                      NN_FloatTensor:$new_v);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $hyper attr-dict `:` type($param) `,` type($hyper)
  }];
}

// Ops for transformer models (normalization, activations, softmax, masking,
// dropout) live in their own file.
include "ir/NNTransformerOps.td"

#endif // NN_OPS
