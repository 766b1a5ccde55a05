// Numerical gradient checks of the transformer ops at the ranks a
// transformer uses them, [B, T, C] and [B, H, T, T], reached from the
// runtime's [B, features] input through nn.reshape. As in
// gradcheck-transformer.mlir (which explains the choice of data seeds), each
// model is compiled from nn IR by myelinc and checked with --gradcheck.
// RUN: rm -rf %t && split-file %s %t
// RUN: myelinc %t/layer_norm.mlir -o %t/layer_norm && %t/layer_norm --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=LAYER_NORM
// RUN: myelinc %t/rms_norm.mlir -o %t/rms_norm && %t/rms_norm --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=RMS_NORM
// RUN: myelinc %t/attention.mlir -o %t/attention && %t/attention --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=ATTENTION

// layer_norm and gelu (tanh) on [B, T, C] = [8, 2, 4]: dgamma and dbeta sum
// over both leading dimensions.
// LAYER_NORM: gradcheck ln.gamma {{.*}} ok
// LAYER_NORM: gradcheck ln.beta {{.*}} ok
// LAYER_NORM: gradcheck h.weight {{.*}} ok
// LAYER_NORM: gradcheck h.bias {{.*}} ok
// LAYER_NORM: gradcheck out.weight {{.*}} ok
// LAYER_NORM: gradcheck out.bias {{.*}} ok
// LAYER_NORM: gradcheck: passed
//--- layer_norm.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 5 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %g = nn.param "ln.gamma" init <normal> {init_a = 1.0 : f32, init_b = 0.5 : f32} : tensor<4xf32>
  %b = nn.param "ln.beta" init <normal> {init_b = 0.5 : f32} : tensor<4xf32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x8xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %r = nn.reshape %h : tensor<8x8xf32> -> tensor<8x2x4xf32>
  %n = nn.layer_norm %r, %g, %b : (tensor<8x2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<8x2x4xf32>
  %a = nn.gelu %n {approximate = "tanh"} : tensor<8x2x4xf32>
  %f = nn.reshape %a : tensor<8x2x4xf32> -> tensor<8x8xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<8x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %f, %w2, %b2 : (tensor<8x8xf32>, tensor<8x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// rms_norm and silu on [8, 2, 4].
// RMS_NORM: gradcheck rms.gamma {{.*}} ok
// RMS_NORM: gradcheck h.weight {{.*}} ok
// RMS_NORM: gradcheck h.bias {{.*}} ok
// RMS_NORM: gradcheck out.weight {{.*}} ok
// RMS_NORM: gradcheck out.bias {{.*}} ok
// RMS_NORM: gradcheck: passed
//--- rms_norm.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 6 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %g = nn.param "rms.gamma" init <normal> {init_a = 1.0 : f32, init_b = 0.5 : f32} : tensor<4xf32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x8xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %r = nn.reshape %h : tensor<8x8xf32> -> tensor<8x2x4xf32>
  %n = nn.rms_norm %r, %g : (tensor<8x2x4xf32>, tensor<4xf32>) -> tensor<8x2x4xf32>
  %a = nn.silu %n : tensor<8x2x4xf32>
  %f = nn.reshape %a : tensor<8x2x4xf32> -> tensor<8x8xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<8x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %f, %w2, %b2 : (tensor<8x8xf32>, tensor<8x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// Attention probabilities on [B, H, T, T] = [8, 2, 3, 3]: scale, causal_mask
// and softmax over the key dimension, per sample and head.
// ATTENTION: gradcheck h.weight {{.*}} ok
// ATTENTION: gradcheck h.bias {{.*}} ok
// ATTENTION: gradcheck out.weight {{.*}} ok
// ATTENTION: gradcheck out.bias {{.*}} ok
// ATTENTION: gradcheck: passed
//--- attention.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 5 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x18xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<18xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x18xf32>, tensor<18xf32>) -> tensor<8x18xf32>
  %r = nn.reshape %h : tensor<8x18xf32> -> tensor<8x2x3x3xf32>
  %s = nn.scale %r {factor = 0.5 : f32} : tensor<8x2x3x3xf32>
  %c = nn.causal_mask %s : tensor<8x2x3x3xf32>
  %a = nn.softmax %c : tensor<8x2x3x3xf32>
  %f = nn.reshape %a : tensor<8x2x3x3xf32> -> tensor<8x18xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 1.0 : f32} : tensor<18x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %f, %w2, %b2 : (tensor<8x18xf32>, tensor<18x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}
