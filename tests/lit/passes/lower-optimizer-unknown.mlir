// RUN: not myelin-opt %s --nn-generate-gradients --nn-lower-optimizer=optimizer=rmsprop 2>&1 | FileCheck %s

// CHECK: error: unknown optimizer 'rmsprop' (expected sgd, adam or adamw)
func.func @m() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %x = nn.input "x" : tensor<4x3xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <zeros> : tensor<3x2xf32>
  %h = nn.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %h, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m : tensor<f32>
}
