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
    step: features (f32) or token ids (i32). The name comes from the spec.

    ```mlir
    %x = nn.input "x" : tensor<128x784xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name);
  // Features (f32) or, for language models, token ids (i32).
  let results = (outs NN_AnyTensor:$result);
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
    Fan-in is the first dimension, fan-out the last. `no_decay` exempts the
    parameter from weight decay (the frontend sets it on biases and
    normalization gains: parameters of rank 1).

    ```mlir
    %w = nn.param "h1.weight" init <he_normal> : tensor<784x512xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, NN_InitKindAttr:$init,
                   DefaultValuedAttr<F32Attr, "0.0f">:$init_a,
                   DefaultValuedAttr<F32Attr, "0.0f">:$init_b,
                   UnitAttr:$no_decay);
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
  let summary = "Matrix product, batched over leading dimensions";
  let description = [{
    `result = op(lhs) * op(rhs)` over the last two dimensions, where `op`
    transposes the last two dimensions of an operand when `transpose_lhs` or
    `transpose_rhs` is set. `lhs` has rank 2 or more; `rhs` either has the same
    rank and the same leading (batch) dimensions, and the product is taken
    per batch entry (attention: [B, H, T, D] x [B, H, T, D]^T), or has rank 2
    and is shared by the whole batch, so that the last dimension of `lhs` is
    contracted with it (weight tying: [B, T, C] x [V, C]^T -> [B, T, V]).
    A shared `rhs` excludes `transpose_lhs`.

    ```mlir
    %c = nn.matmul %a, %b {transpose_rhs} : (tensor<8x4xf32>, tensor<16x4xf32>) -> tensor<8x16xf32>
    %s = nn.matmul %q, %k {transpose_rhs} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32>
    %l = nn.matmul %h, %wte {transpose_rhs} : (tensor<2x8x32xf32>, tensor<64x32xf32>) -> tensor<2x8x64xf32>
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
    `input` is [..., K] (rank 2 or more), `weight` is [K, N], `bias` is [N];
    the result is [..., N]: every leading position goes through the same
    affine map.

    ```mlir
    %h = nn.linear %x, %w, %b : (tensor<128x784xf32>, tensor<784x512xf32>, tensor<512xf32>) -> tensor<128x512xf32>
    %q = nn.linear %t, %wq, %bq : (tensor<4x64x128xf32>, tensor<128x384xf32>, tensor<384xf32>) -> tensor<4x64x384xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                   NN_FloatTensor:$bias);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$input `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)";
}

// Not Commutative: the rhs may be broadcast, the lhs never is.
def NN_AddOp : NN_Op<"add", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Elementwise sum, the rhs broadcast along leading dimensions";
  let description = [{
    The shape of `rhs` equals the shape of `lhs` or a suffix of it; `rhs` is
    then repeated along the leading dimensions of `lhs` (learned positions
    [T, C] added to [B, T, C] activations). The result has the type of `lhs`.
    The operand types are printed once when they are equal.

    ```mlir
    %s = nn.add %a, %b : tensor<128x512xf32>
    %h = nn.add %tok, %pos : tensor<4x64x128xf32>, tensor<64x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` custom<BroadcastOperandTypes>(type($lhs), type($rhs))";
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
  let summary = "Per-position cross-entropy of softmax(logits) against labels";
  let description = [{
    `logits` is [..., C] (rank 2 or more), `labels` has the leading shape
    [...] with values in [0, C); the result has the shape of `labels` and
    holds the per-position loss `logsumexp(logits[p]) - logits[p, labels[p]]`
    (per sample for [B, C] logits, per token for [B, T, V]).

    ```mlir
    %l = nn.softmax_cross_entropy %logits, %y : (tensor<128x10xf32>, tensor<128xi32>) -> tensor<128xf32>
    %t = nn.softmax_cross_entropy %logits, %y : (tensor<4x64x256xf32>, tensor<4x64xi32>) -> tensor<4x64xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$logits, NN_LabelTensor:$labels);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$logits `,` $labels attr-dict `:` functional-type(operands, results)";
}

def NN_MeanOp : NN_Op<"mean", [Pure,
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
    `result[p, c] = grad[p] * (softmax(logits[p])[c] - (c == labels[p]))`
    for every leading position `p`; shapes as for nn.softmax_cross_entropy.

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

def NN_SumSquaresOp : NN_Op<"sum_squares", [Pure]> {
  let summary = "Sum of the squares of all elements";
  let description = [{
    Used for the global gradient norm that gradient clipping needs.

    ```mlir
    %s = nn.sum_squares %g : tensor<784x512xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_ScalarTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def NN_ClipScaleOp : NN_Op<"clip_scale", [Pure]> {
  let summary = "Global gradient norm and the factor that clips it";
  let description = [{
    From the sum of squares of all gradients and the step's hyper-parameters
    (hyper[8] = the clipping threshold, 0 = off): `norm = sqrt(sum_squares)`
    and `scale = min(1, clip / (norm + 1e-6))`, or 1 when clipping is off
    (torch.nn.utils.clip_grad_norm_ semantics).

    ```mlir
    %scale, %norm = nn.clip_scale %ss, %h : tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_ScalarTensor:$sum_squares, NN_FloatTensor:$hyper);
  let results = (outs NN_ScalarTensor:$scale, NN_ScalarTensor:$norm);
  let assemblyFormat = "$sum_squares `,` $hyper attr-dict `:` type($hyper)";
}

def NN_SgdUpdateOp : NN_Op<"sgd_update", [Pure,
    AllTypesMatch<["param", "grad", "momentum", "new_param", "new_momentum"]>]> {
  let summary = "One SGD step with momentum and L2 weight decay";
  let description = [{
    With `lr`, `mu` (momentum, hyper[1]), `wd` (hyper[4], ignored with
    `no_decay`) and the clipping factor `s`:
    `g' = s * grad + wd * param; v' = mu * v + g'; param' = param - lr * v'`.

    ```mlir
    %p1, %v1 = nn.sgd_update %p, %g, %v, %h, %s : tensor<512xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$grad,
                   NN_FloatTensor:$momentum, NN_FloatTensor:$hyper,
                   NN_ScalarTensor:$grad_scale, UnitAttr:$no_decay);
  let results = (outs NN_FloatTensor:$new_param, NN_FloatTensor:$new_momentum);
  let assemblyFormat = [{
    $param `,` $grad `,` $momentum `,` $hyper `,` $grad_scale attr-dict `:` type($param) `,` type($hyper)
  }];
}

def NN_AdamUpdateOp : NN_Op<"adam_update", [Pure,
    AllTypesMatch<["param", "grad", "m", "v", "new_param", "new_m", "new_v"]>]> {
  let summary = "One Adam (or, with `decoupled`, AdamW) step";
  let description = [{
    With `g = grad_scale * grad`:
    `m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g^2;
     param' = param - lr (m' c1 / (sqrt(v' c2) + eps) + wd param)` for AdamW
    (`decoupled`); for Adam the weight decay is added to the gradient
    instead. `c1`, `c2` are the bias corrections the runtime puts in hyper;
    `no_decay` turns weight decay off for this parameter.

    ```mlir
    %p1, %m1, %v1 = nn.adam_update %p, %g, %m, %v, %h, %s {decoupled} : tensor<512xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$grad,
                   NN_FloatTensor:$m, NN_FloatTensor:$v,
                   NN_FloatTensor:$hyper, NN_ScalarTensor:$grad_scale,
                   UnitAttr:$decoupled, UnitAttr:$no_decay);
  let results = (outs NN_FloatTensor:$new_param, NN_FloatTensor:$new_m,
                      NN_FloatTensor:$new_v);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $hyper `,` $grad_scale attr-dict `:` type($param) `,` type($hyper)
  }];
}

//===----------------------------------------------------------------------===//
// Telemetry ops (introduced by nn-instrument-physics)
//===----------------------------------------------------------------------===//

def NN_LayerStatsOp : NN_Op<"layer_stats", [Pure]> {
  let summary = "Statistics of one layer's activations, on sampled steps";
  let description = [{
    When the step's physics flag (hyper[9]) is non-zero: `[mean, std, dead,
    saturated]` of `input` (std is the population standard deviation);
    otherwise four zeros, and nothing is read. `dead` is the fraction of
    units (entries of the last dimension) whose value is exactly 0 for every
    row of the batch, for `activation = "relu"`; `saturated` is the fraction
    of values with |x - 0.5| > 0.49 for "sigmoid" and |x| > 0.99 for "tanh".
    Both are 0 for other activations.

    ```mlir
    %s = nn.layer_stats %h, %hyper {activation = "relu"} : tensor<32x16xf32>, tensor<16xf32> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$hyper,
                   StrAttr:$activation);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$input `,` $hyper attr-dict `:` type($input) `,` type($hyper) `->` type($result)";
  let hasVerifier = 1;
}

def NN_NonFiniteFlagsOp : NN_Op<"nonfinite_flags", [Pure]> {
  let summary = "Which values hold a NaN or infinity, on checked runs";
  let description = [{
    When the step's check flag (hyper[10]) is non-zero, entry i of the result
    is 1 if `inputs[i]` has a NaN or infinite element and 0 otherwise; when it
    is zero, all entries are 0 and no input is read. The test looks at the
    exponent bits, so fast-math flags cannot fold it away.

    ```mlir
    %f = nn.nonfinite_flags(%a, %b), %hyper : (tensor<4x8xf32>, tensor<f32>), tensor<16xf32> -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Variadic<NN_FloatTensor>:$inputs, NN_FloatTensor:$hyper);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "`(` $inputs `)` `,` $hyper attr-dict `:` `(` type($inputs) `)` `,` type($hyper) `->` type($result)";
  let hasVerifier = 1;
}

// Ops for transformer models (normalization, activations, softmax, masking,
// dropout) live in their own file.
include "ir/NNTransformerOps.td"

// Shape ops (reshape, transpose) and embeddings.
include "ir/NNShapeOps.td"

#endif // NN_OPS
