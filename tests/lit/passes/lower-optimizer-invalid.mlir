// RUN: myelin-opt %s --nn-lower-optimizer --split-input-file --verify-diagnostics

// expected-error @+1 {{no gradient function 'm_grad': run nn-generate-gradients first}}
func.func @m() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c : tensor<f32>
}
