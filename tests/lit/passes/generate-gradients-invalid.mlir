// RUN: myelin-opt %s --nn-generate-gradients --split-input-file --verify-diagnostics

// Every op without a gradient rule is reported, not only the first.
func.func @no_rule() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %x = nn.input "x" : tensor<4x2xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <zeros> : tensor<4x2xf32>
  // expected-error @+1 {{'nn.relu_grad' has no gradient rule, but the loss depends on it}}
  %g = nn.relu_grad %x, %w : tensor<4x2xf32>
  // expected-error @+1 {{'nn.tanh_grad' has no gradient rule, but the loss depends on it}}
  %t = nn.tanh_grad %g, %w : tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %t, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// expected-error @+1 {{model function has no result tagged {nn.role = "loss"}}}
func.func @no_loss() -> tensor<f32> attributes {nn.model} {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c : tensor<f32>
}
