// Numerical gradient checks of the transformer ops: each model routes the
// gradients of its parameters through the op under test (x -> linear ->
// op -> linear -> softmax cross-entropy), is compiled from nn IR by myelinc
// and runs the executable's --gradcheck (central finite differences on 16
// sampled entries per parameter, the largest gradient included; see
// tests/lit/e2e/gradcheck.nn). Activations are rank 2 here: the ops'
// rank-generic lowering is checked structurally in
// tests/lit/codegen/lower-transformer.mlir.
//
// The finite differences see the float32 loss, whose rounding (~1e-7 on a
// loss of ~1) is ~5e-6 on a difference quotient with eps 1e-2: on the
// smallest sampled gradients (~1e-4) that alone reaches 2e-3 in gradcheck's
// measure. The data seeds below are ones whose sampled entries all stay
// clear of that floor (worst 4e-5 to 5e-4); another seed can miss 2e-3
// with a correct rule. Wrong rules measure far more: a gelu derivative 5-10%
// off 1e-2 to 4e-2, a missing layer_norm or softmax term 0.4 to 0.5, a
// dropout backward with another mask 1.
// RUN: rm -rf %t && split-file %s %t
// RUN: myelinc %t/gelu_tanh.mlir -o %t/gelu_tanh && %t/gelu_tanh --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=GELU_TANH
// RUN: myelinc %t/gelu_erf.mlir -o %t/gelu_erf && %t/gelu_erf --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=GELU_ERF
// RUN: myelinc %t/silu.mlir -o %t/silu && %t/silu --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=SILU
// RUN: myelinc %t/layer_norm.mlir -o %t/layer_norm && %t/layer_norm --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=LAYER_NORM
// RUN: myelinc %t/rms_norm.mlir -o %t/rms_norm && %t/rms_norm --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=RMS_NORM
// RUN: myelinc %t/softmax.mlir -o %t/softmax && %t/softmax --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=SOFTMAX
// RUN: myelinc %t/scale.mlir -o %t/scale && %t/scale --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=SCALE
// RUN: myelinc %t/causal_mask.mlir -o %t/causal_mask && %t/causal_mask --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=CAUSAL_MASK
// RUN: myelinc %t/dropout.mlir -o %t/dropout && %t/dropout --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 2>&1 | FileCheck %s --check-prefix=DROPOUT

// gelu with approximate = "tanh" (GPT-2's).
// GELU_TANH: gradcheck h.weight {{.*}} ok
// GELU_TANH: gradcheck h.bias {{.*}} ok
// GELU_TANH: gradcheck out.weight {{.*}} ok
// GELU_TANH: gradcheck out.bias {{.*}} ok
// GELU_TANH: gradcheck: passed
//--- gelu_tanh.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 4 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %a = nn.gelu %h {approximate = "tanh"} : tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// gelu with erf, through the polynomial approximation of math.erf.
// GELU_ERF: gradcheck h.weight {{.*}} ok
// GELU_ERF: gradcheck h.bias {{.*}} ok
// GELU_ERF: gradcheck out.weight {{.*}} ok
// GELU_ERF: gradcheck out.bias {{.*}} ok
// GELU_ERF: gradcheck: passed
//--- gelu_erf.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 4 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %a = nn.gelu %h : tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// silu.
// SILU: gradcheck h.weight {{.*}} ok
// SILU: gradcheck h.bias {{.*}} ok
// SILU: gradcheck out.weight {{.*}} ok
// SILU: gradcheck out.bias {{.*}} ok
// SILU: gradcheck: passed
//--- silu.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 4 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %a = nn.silu %h : tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// layer_norm: gamma and beta are parameters too.
// LAYER_NORM: gradcheck ln.gamma {{.*}} ok
// LAYER_NORM: gradcheck ln.beta {{.*}} ok
// LAYER_NORM: gradcheck h.weight {{.*}} ok
// LAYER_NORM: gradcheck h.bias {{.*}} ok
// LAYER_NORM: gradcheck out.weight {{.*}} ok
// LAYER_NORM: gradcheck out.bias {{.*}} ok
// LAYER_NORM: gradcheck: passed
//--- layer_norm.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 4 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %g = nn.param "ln.gamma" init <normal> {init_a = 1.0 : f32, init_b = 0.5 : f32} : tensor<5xf32>
  %b = nn.param "ln.beta" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %a = nn.layer_norm %h, %g, %b {eps = 1.0e-5 : f32} : (tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// rms_norm: gamma is a parameter too.
// RMS_NORM: gradcheck rms.gamma {{.*}} ok
// RMS_NORM: gradcheck h.weight {{.*}} ok
// RMS_NORM: gradcheck h.bias {{.*}} ok
// RMS_NORM: gradcheck out.weight {{.*}} ok
// RMS_NORM: gradcheck out.bias {{.*}} ok
// RMS_NORM: gradcheck: passed
//--- rms_norm.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 5 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %g = nn.param "rms.gamma" init <normal> {init_a = 1.0 : f32, init_b = 0.5 : f32} : tensor<5xf32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %a = nn.rms_norm %h, %g {eps = 1.0e-6 : f32} : (tensor<8x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// softmax over the features.
// SOFTMAX: gradcheck h.weight {{.*}} ok
// SOFTMAX: gradcheck h.bias {{.*}} ok
// SOFTMAX: gradcheck out.weight {{.*}} ok
// SOFTMAX: gradcheck out.bias {{.*}} ok
// SOFTMAX: gradcheck: passed
//--- softmax.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 1 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %a = nn.softmax %h : tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// scale, followed by tanh so the loss is not linear in it.
// SCALE: gradcheck h.weight {{.*}} ok
// SCALE: gradcheck h.bias {{.*}} ok
// SCALE: gradcheck out.weight {{.*}} ok
// SCALE: gradcheck out.bias {{.*}} ok
// SCALE: gradcheck: passed
//--- scale.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 7 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %s = nn.scale %h {factor = 0.75 : f32} : tensor<8x5xf32>
  %a = nn.tanh %s : tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// causal_mask + softmax on an [8, 8] square (sample i, feature j): with
// batch 8 the scores are one [T, T] matrix; masked entries get exactly 0.
// CAUSAL_MASK: gradcheck h.weight {{.*}} ok
// CAUSAL_MASK: gradcheck h.bias {{.*}} ok
// CAUSAL_MASK: gradcheck out.weight {{.*}} ok
// CAUSAL_MASK: gradcheck out.bias {{.*}} ok
// CAUSAL_MASK: gradcheck: passed
//--- causal_mask.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 4 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x8xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %c = nn.causal_mask %h : tensor<8x8xf32>
  %a = nn.softmax %c : tensor<8x8xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<8x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x8xf32>, tensor<8x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// dropout (rate 0.4) before tanh: the backward must recompute the
// forward's mask from (seed, step, index), or h's gradient is wrong. The eval
// entry point runs without dropout (myelin-lower-to-buffer-abi), so the
// descriptor marks the model stochastic and --gradcheck measures losses with
// grad_step, whose mask is the same for every call of one step.
// DROPOUT: gradcheck: the model uses dropout; losses are measured with grad_step
// DROPOUT: gradcheck h.weight {{.*}} ok
// DROPOUT: gradcheck h.bias {{.*}} ok
// DROPOUT: gradcheck out.weight {{.*}} ok
// DROPOUT: gradcheck out.bias {{.*}} ok
// DROPOUT: gradcheck: passed
//--- dropout.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 3 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %hy = nn.hyper : tensor<16xf32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x5xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %d = nn.dropout %h, %hy {rate = 0.4 : f32, seed = 1234 : i64} : tensor<8x5xf32>, tensor<16xf32>
  %a = nn.tanh %d : tensor<8x5xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<5x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %a, %w2, %b2 : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}
