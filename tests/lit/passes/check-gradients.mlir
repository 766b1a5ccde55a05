// myelinc --check-gradients lists every op the loss depends on that has no
// gradient rule, with its location and layer, in one run (exit 1); every nn
// op has a rule, so ops of other dialects stand in for missing ones here.
// The first carries a spec location and layer name like the frontend's; the
// second only its position in this file.
// RUN: not myelinc --check-gradients %s | FileCheck %s
// CHECK: gradient coverage of {{.*}}check-gradients.mlir: 2 of 6 ops have no gradient rule
// CHECK-NEXT: spec.nn:5:12: 'math.exp' has no gradient rule, but the loss depends on it (layer h)
// CHECK-NEXT: {{.*}}check-gradients.mlir:[[#@LINE+16]]:10: 'arith.negf' has no gradient rule, but the loss depends on it
// CHECK-NOT: gradient rule
// A spec whose ops all have rules passes.
// RUN: myelinc --check-gradients %examples/mlp.nn | FileCheck %s --check-prefix=MLP
// MLP: gradient coverage of {{.*}}mlp.nn: all 7 ops have gradient rules
module {
  func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model} {
    %0 = nn.input "x" : tensor<8x6xf32>
    %1 = nn.label "y" : tensor<8xi32>
    %2 = nn.param "h.weight" init <xavier_uniform> : tensor<6x4xf32>
    %3 = nn.param "h.bias" init <zeros> {no_decay} : tensor<4xf32>
    %4 = nn.linear %0, %2, %3 : (tensor<8x6xf32>, tensor<6x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
    %5 = math.exp %4 : tensor<8x4xf32> loc("h"("spec.nn":5:12))
    %6 = nn.param "logits.weight" init <xavier_uniform> : tensor<4x3xf32>
    %7 = nn.param "logits.bias" init <zeros> {no_decay} : tensor<3xf32>
    %8 = nn.linear %5, %6, %7 : (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    %9 = arith.negf %8 : tensor<8x3xf32>
    %10 = nn.softmax_cross_entropy %9, %1 : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
    %11 = nn.mean %10 : tensor<8xf32> -> tensor<f32>
    return %11, %10, %9 : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
  }
}
