// The telemetry ops of nn-instrument-physics: round trip and verifier errors.
// RUN: myelin-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @ok
// CHECK: nn.layer_stats %{{.*}}, %{{.*}} {activation = "relu"} : tensor<8x4xf32>, tensor<16xf32> -> tensor<4xf32>
// CHECK: nn.nonfinite_flags(%{{.*}}, %{{.*}}), %{{.*}} : (tensor<8x4xf32>, tensor<f32>), tensor<16xf32> -> tensor<2xf32>
func.func @ok(%x: tensor<8x4xf32>, %s: tensor<f32>, %h: tensor<16xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
  %a = nn.layer_stats %x, %h {activation = "relu"} : tensor<8x4xf32>, tensor<16xf32> -> tensor<4xf32>
  %b = nn.nonfinite_flags(%x, %s), %h : (tensor<8x4xf32>, tensor<f32>), tensor<16xf32> -> tensor<2xf32>
  return %a, %b : tensor<4xf32>, tensor<2xf32>
}

// -----

func.func @bad_activation(%x: tensor<8x4xf32>, %h: tensor<16xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.layer_stats' op unknown activation 'elu' (expected relu, sigmoid, tanh, gelu, silu, softmax or none)}}
  %a = nn.layer_stats %x, %h {activation = "elu"} : tensor<8x4xf32>, tensor<16xf32> -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

func.func @bad_stats_result(%x: tensor<8x4xf32>, %h: tensor<16xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'nn.layer_stats' op result must be tensor<4xf32>, got 'tensor<3xf32>'}}
  %a = nn.layer_stats %x, %h {activation = "none"} : tensor<8x4xf32>, tensor<16xf32> -> tensor<3xf32>
  return %a : tensor<3xf32>
}

// -----

func.func @bad_hyper(%x: tensor<8x4xf32>, %h: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.layer_stats' op hyper operand must be tensor<16xf32>, got 'tensor<8xf32>'}}
  %a = nn.layer_stats %x, %h {activation = "none"} : tensor<8x4xf32>, tensor<8xf32> -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

func.func @bad_flags(%x: tensor<8x4xf32>, %h: tensor<16xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'nn.nonfinite_flags' op result must be tensor<1xf32> (one flag per input), got 'tensor<2xf32>'}}
  %b = nn.nonfinite_flags(%x), %h : (tensor<8x4xf32>), tensor<16xf32> -> tensor<2xf32>
  return %b : tensor<2xf32>
}
