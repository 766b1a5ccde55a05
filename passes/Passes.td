//===- Passes.td - nn-level transforms ---------------------*- tablegen -*-===//
//
// Passes over the nn dialect: gradient generation and optimizer lowering.
// Their output is the `nn-train` phase of myelinc (see Pipelines.cpp).
//===----------------------------------------------------------------------===//

#ifndef MYELIN_PASSES
#define MYELIN_PASSES

include "mlir/Pass/PassBase.td"

def GenerateGradientsPass : Pass<"nn-generate-gradients", "::mlir::ModuleOp"> {
  let summary = "Reverse-mode autodiff: build a gradient function for each model";
  let description = [{
    For every function marked `nn.model` (the forward pass, returning the
    loss first), creates `@<model>_grad`: the forward ops followed by the
    vector-Jacobian products that each op builds through
    DifferentiableOpInterface, walking the ops in reverse and summing the
    gradients of values with several uses. `@<model>_grad` returns the loss
    and then the gradient of every `nn.param`, in declaration order, each
    result tagged `{nn.role = "grad", nn.target = "<param name>"}`.

    Before:
    ```mlir
    func.func @m() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
      %w = nn.param "w" init <zeros> : tensor<4x2xf32>
      ...
    ```
    After, additionally:
    ```mlir
    func.func @m_grad() -> (tensor<f32> {nn.role = "loss"},
                            tensor<4x2xf32> {nn.role = "grad", nn.target = "w"})
    ```
    An op without a gradient rule is an error that names the op and its spec
    line; all such ops are reported, not just the first.
  }];
  let dependentDialects = ["::myelin::nn::NNDialect",
                           "::mlir::arith::ArithDialect"];
}

def LowerOptimizerPass : Pass<"nn-lower-optimizer", "::mlir::ModuleOp"> {
  let summary = "Turn the spec's optimizer into one train-step function";
  let description = [{
    For every model, clones `@<model>_grad` into `@<model>_train_step`, which
    declares the optimizer state (`nn.opt_state`) and the hyper-parameter
    vector (`nn.hyper`) and applies `nn.sgd_update` or `nn.adam_update` to
    every parameter. Its results are the loss and the new values of the
    parameters and optimizer state, each tagged `{nn.role = "update",
    nn.target = "<buffer name>"}`: codegen writes them back in place. The
    optimizer comes from the model's `nn.train` attribute (`optimizer`), or
    from the `optimizer` option when given.
  }];
  let dependentDialects = ["::myelin::nn::NNDialect"];
  let options = [
    Option<"optimizer", "optimizer", "std::string", "\"\"",
           "Override the spec's optimizer: sgd, adam or adamw">
  ];
}

def InstrumentPhysicsPass : Pass<"nn-instrument-physics", "::mlir::ModuleOp"> {
  let summary = "Insert training telemetry and NaN/Inf checks";
  let description = [{
    Runs after nn-lower-optimizer, for each model whose `nn.train` block has
    `physics = N` (N > 0) or with `force` (myelinc --physics); other models
    are left untouched, so their executables contain none of it.

    - In `@<model>_train_step`: an `nn.layer_stats` of every named value of
      the spec with rank >= 1 (its layers, e.g. `h1`, `blocks.0.fc`), right
      after the op that defines it, each a result tagged `{nn.role =
      "layer_stats", nn.target = "<layer>", nn.activation = "<kind>"}`; and
      the sum of squares of every parameter's gradient (`{nn.role =
      "grad_sq", nn.target = "<param>"}`; CSE merges it with the one the
      global gradient norm already computes). The statistics are computed
      only on steps whose hyper[9] is set, so unsampled steps pay a branch.
    - In `@<model>_grad`: one `nn.nonfinite_flags` over every value of the
      forward and backward pass, in execution order (`{nn.role =
      "checks"}`), computed only when hyper[10] is set. The module attribute
      `myelin.checks` maps flag i to its op, layer and spec location, and
      `myelin.physics_every` holds the default sampling period.
  }];
  let dependentDialects = ["::myelin::nn::NNDialect"];
  let options = [
    Option<"force", "force", "bool", "false",
           "Instrument every model, whatever its train block says">
  ];
}

#endif // MYELIN_PASSES
