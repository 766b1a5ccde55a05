//===- NNTransformerOps.td - nn ops for transformers -------*- tablegen -*-===//
//
// Normalization, activations, softmax, attention masking and dropout, with
// their gradient ops. Included by NNOps.td. All ops take f32 tensors of any
// rank >= 1 ([B, T, C] activations, [B, H, T, T] attention scores); the
// "last dim" is the normalized, softmaxed or masked axis. Shape rules live in
// ir/NNTransformerOps.cpp, gradient rules in ir/NNTransformerGradients.cpp,
// lowerings in codegen/NNToLinalg/Transformer.cpp.
//===----------------------------------------------------------------------===//

#ifndef NN_TRANSFORMER_OPS
#define NN_TRANSFORMER_OPS

/// Operands of the ops that reduce over the last dimension.
def NN_FeatureTensor : RankedTensorOf<[F32],
    [HasStaticShapePred, HasRankGreaterOrEqualPred<1>],
    "statically shaped tensor of rank >= 1">;

//===----------------------------------------------------------------------===//
// nn.gelu / nn.gelu_grad
//===----------------------------------------------------------------------===//

def NN_GeluOp : NN_Op<"gelu", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Elementwise GELU, exact (erf) or tanh-approximated";
  let description = [{
    PyTorch's `F.gelu`: with `approximate = "none"` (the default),
    `0.5 x (1 + erf(x / sqrt(2)))`; with `approximate = "tanh"`,
    `0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))` (GPT-2's choice).

    ```mlir
    %y = nn.gelu %x {approximate = "tanh"} : tensor<8x64x256xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input,
                   DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  // `approximate` must be "none" or "tanh".
  let hasVerifier = 1;
}

def NN_GeluGradOp : NN_Op<"gelu_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of gelu from its input: grad * gelu'(x)";
  let description = [{
    ```mlir
    %dx = nn.gelu_grad %dy, %x {approximate = "tanh"} : tensor<8x64x256xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$input,
                   DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// nn.silu / nn.silu_grad
//===----------------------------------------------------------------------===//

def NN_SiluOp : NN_ActivationOp<"silu", "x * sigmoid(x) (SiLU, swish)">;

def NN_SiluGradOp : NN_Op<"silu_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of silu from its input: grad * s (1 + x (1 - s))";
  let description = [{
    `s = sigmoid(x)`.

    ```mlir
    %dx = nn.silu_grad %dy, %x : tensor<8x64x256xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $input attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// nn.layer_norm / nn.layer_norm_grad
//===----------------------------------------------------------------------===//

def NN_LayerNormOp : NN_Op<"layer_norm", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Layer normalization over the last dimension";
  let description = [{
    `torch.nn.functional.layer_norm(x, [C], gamma, beta, eps)`: each row
    along the last dimension (size C) is normalized with its mean and biased
    variance, `(x - mean) / sqrt(var + eps) * gamma + beta`; `gamma` and
    `beta` are [C].

    ```mlir
    %y = nn.layer_norm %x, %g, %b : (tensor<8x64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<8x64x256xf32>
    ```
  }];
  let arguments = (ins NN_FeatureTensor:$input, NN_FeatureTensor:$gamma,
                   NN_FeatureTensor:$beta,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$eps);
  let results = (outs NN_FeatureTensor:$result);
  let assemblyFormat =
      "$input `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)";
}

def NN_LayerNormGradOp : NN_Op<"layer_norm_grad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gradients of layer_norm w.r.t. input, gamma and beta";
  let description = [{
    Recomputes the row mean and `rstd = 1 / sqrt(var + eps)`; with
    `xhat = (x - mean) rstd` and `g = grad * gamma`:
    `dx = rstd (g - mean_C(g) - xhat mean_C(g xhat))`,
    `dgamma = sum(grad xhat)` and `dbeta = sum(grad)`, both summed over all
    leading dimensions.

    ```mlir
    %dx, %dg, %db = nn.layer_norm_grad %dy, %x, %g : (tensor<8x64x256xf32>, tensor<8x64x256xf32>, tensor<256xf32>) -> (tensor<8x64x256xf32>, tensor<256xf32>, tensor<256xf32>)
    ```
  }];
  let arguments = (ins NN_FeatureTensor:$grad, NN_FeatureTensor:$input,
                   NN_FeatureTensor:$gamma,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$eps);
  let results = (outs NN_FeatureTensor:$input_grad,
                      NN_FeatureTensor:$gamma_grad,
                      NN_FeatureTensor:$beta_grad);
  let assemblyFormat =
      "$grad `,` $input `,` $gamma attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// nn.rms_norm / nn.rms_norm_grad
//===----------------------------------------------------------------------===//

def NN_RmsNormOp : NN_Op<"rms_norm", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "RMS normalization over the last dimension";
  let description = [{
    `x / sqrt(mean_C(x^2) + eps) * gamma` with `gamma` of shape [C] (as
    `torch.nn.RMSNorm`, LLaMA).

    ```mlir
    %y = nn.rms_norm %x, %g : (tensor<8x64x256xf32>, tensor<256xf32>) -> tensor<8x64x256xf32>
    ```
  }];
  let arguments = (ins NN_FeatureTensor:$input, NN_FeatureTensor:$gamma,
                   DefaultValuedAttr<F32Attr, "1e-6f">:$eps);
  let results = (outs NN_FeatureTensor:$result);
  let assemblyFormat =
      "$input `,` $gamma attr-dict `:` functional-type(operands, results)";
}

def NN_RmsNormGradOp : NN_Op<"rms_norm_grad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gradients of rms_norm w.r.t. input and gamma";
  let description = [{
    Recomputes `rstd = 1 / sqrt(mean_C(x^2) + eps)`; with `xhat = x rstd`
    and `g = grad * gamma`: `dx = rstd (g - xhat mean_C(g xhat))` and
    `dgamma = sum(grad xhat)` over all leading dimensions.

    ```mlir
    %dx, %dg = nn.rms_norm_grad %dy, %x, %g : (tensor<8x64x256xf32>, tensor<8x64x256xf32>, tensor<256xf32>) -> (tensor<8x64x256xf32>, tensor<256xf32>)
    ```
  }];
  let arguments = (ins NN_FeatureTensor:$grad, NN_FeatureTensor:$input,
                   NN_FeatureTensor:$gamma,
                   DefaultValuedAttr<F32Attr, "1e-6f">:$eps);
  let results = (outs NN_FeatureTensor:$input_grad, NN_FeatureTensor:$gamma_grad);
  let assemblyFormat =
      "$grad `,` $input `,` $gamma attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// nn.softmax / nn.softmax_grad
//===----------------------------------------------------------------------===//

def NN_SoftmaxOp : NN_Op<"softmax", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Softmax over the last dimension";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` per row of the last dimension; the
    row max is subtracted for stability, so entries masked to -inf (see
    nn.causal_mask) get exactly 0.

    ```mlir
    %p = nn.softmax %scores : tensor<8x4x64x64xf32>
    ```
  }];
  let arguments = (ins NN_FeatureTensor:$input);
  let results = (outs NN_FeatureTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def NN_SoftmaxGradOp : NN_Op<"softmax_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of softmax from its output: y (grad - sum(grad y))";
  let description = [{
    The sum runs over the last dimension.

    ```mlir
    %ds = nn.softmax_grad %dp, %p : tensor<8x4x64x64xf32>
    ```
  }];
  let arguments = (ins NN_FeatureTensor:$grad, NN_FeatureTensor:$output);
  let results = (outs NN_FeatureTensor:$result);
  let assemblyFormat = "$grad `,` $output attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// nn.scale
//===----------------------------------------------------------------------===//

def NN_ScaleOp : NN_Op<"scale", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Multiplies every element by a constant factor";
  let description = [{
    E.g. the `1 / sqrt(head_dim)` of attention scores. It is its own
    gradient: `dx = scale(dy, factor)`.

    ```mlir
    %s = nn.scale %x {factor = 1.250000e-01 : f32} : tensor<8x4x64x64xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, F32Attr:$factor);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  // A scale whose every user is an nn.matmul moves to the products' results,
  // where it becomes part of the product's kernel (an epilogue) instead of a
  // pass over its input: attention's backward scales dS once per head.
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// nn.causal_mask / nn.causal_mask_grad
//===----------------------------------------------------------------------===//

def NN_CausalMaskOp : NN_Op<"causal_mask", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Masks attention scores of future keys with -inf";
  let description = [{
    The last two dimensions of `input` are [T, T] (query i, key j). The
    result is `input` where `j <= i` and -inf (IEEE infinity, as PyTorch's
    `masked_fill(mask, float("-inf"))`) where `j > i`, so that a following
    nn.softmax gives exactly 0 to future keys. The diagonal is never masked,
    so no softmax row is all -inf.

    ```mlir
    %m = nn.causal_mask %scores : tensor<8x4x64x64xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  // Rank >= 2 with square trailing dimensions.
  let hasVerifier = 1;
}

def NN_CausalMaskGradOp : NN_Op<"causal_mask_grad", [Pure,
    SameOperandsAndResultType]> {
  let summary = "Gradient of causal_mask: grad where j <= i, else 0";
  let description = [{
    ```mlir
    %ds = nn.causal_mask_grad %dm : tensor<8x4x64x64xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$grad attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// nn.dropout / nn.dropout_grad
//===----------------------------------------------------------------------===//

def NN_DropoutOp : NN_Op<"dropout", [Pure,
    AllTypesMatch<["input", "result"]>,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Inverted dropout with a mask recomputed from a hash";
  let description = [{
    Zeroes each element with probability `rate` and scales the kept ones by
    `1 / (1 - rate)`. The mask is not stored: a counter-based hash of
    (`seed`, the step number `hyper[7]`, the element's row-major linear
    index) decides each element, so nn.dropout_grad recomputes the same
    mask, and every step draws a new one. Ops with different `seed`s draw
    independent masks; the frontend gives each dropout its own seed.
    `rate = 0` is the identity. `hyper` is the nn.hyper vector (any 1-D f32
    tensor with at least 8 entries).

    ```mlir
    %d = nn.dropout %x, %h {rate = 1.000000e-01 : f32, seed = 7 : i64} : tensor<8x64x256xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$hyper,
                   F32Attr:$rate, I64Attr:$seed);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$input `,` $hyper attr-dict `:` type($input) `,` type($hyper)";
  // rate in [0, 1), hyper 1-D with the step slot.
  let hasVerifier = 1;
  // rate = 0 folds to the input.
  let hasFolder = 1;
}

def NN_DropoutGradOp : NN_Op<"dropout_grad", [Pure,
    AllTypesMatch<["grad", "result"]>]> {
  let summary = "Gradient of dropout: grad times the recomputed mask";
  let description = [{
    Same `rate`, `seed` and `hyper` as the forward nn.dropout, hence the same
    mask and scale.

    ```mlir
    %dx = nn.dropout_grad %dd, %h {rate = 1.000000e-01 : f32, seed = 7 : i64} : tensor<8x64x256xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$hyper,
                   F32Attr:$rate, I64Attr:$seed);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$grad `,` $hyper attr-dict `:` type($grad) `,` type($hyper)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // NN_TRANSFORMER_OPS
