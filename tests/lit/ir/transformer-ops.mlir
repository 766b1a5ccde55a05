// RUN: myelin-opt %s | myelin-opt | FileCheck %s
// Round trip of the transformer ops (ir/NNTransformerOps.td) through the
// parser and printer, at the ranks a transformer uses them.

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<2x4x8xf32>, %dy: tensor<2x4x8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  // The default approximation is not printed.
  // CHECK: nn.gelu %{{.*}} : tensor<2x4x8xf32>
  %0 = nn.gelu %x : tensor<2x4x8xf32>
  // CHECK: nn.gelu %{{.*}} {approximate = "tanh"} : tensor<2x4x8xf32>
  %1 = nn.gelu %x {approximate = "tanh"} : tensor<2x4x8xf32>
  // CHECK: nn.gelu_grad %{{.*}}, %{{.*}} : tensor<2x4x8xf32>
  %2 = nn.gelu_grad %dy, %x {approximate = "none"} : tensor<2x4x8xf32>
  // CHECK: nn.gelu_grad %{{.*}}, %{{.*}} {approximate = "tanh"} : tensor<2x4x8xf32>
  %3 = nn.gelu_grad %dy, %x {approximate = "tanh"} : tensor<2x4x8xf32>
  // CHECK: nn.silu %{{.*}} : tensor<2x4x8xf32>
  %4 = nn.silu %x : tensor<2x4x8xf32>
  // CHECK: nn.silu_grad %{{.*}}, %{{.*}} : tensor<2x4x8xf32>
  %5 = nn.silu_grad %dy, %x : tensor<2x4x8xf32>
  // CHECK: nn.scale %{{.*}} {factor = 1.250000e-01 : f32} : tensor<2x4x8xf32>
  %6 = nn.scale %x {factor = 0.125 : f32} : tensor<2x4x8xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>
}

// CHECK-LABEL: func.func @norms
func.func @norms(%x: tensor<2x4x8xf32>, %dy: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<8xf32>, tensor<2x4x8xf32>, tensor<8xf32>) {
  // CHECK: nn.layer_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  %0 = nn.layer_norm %x, %g, %b : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  // The default eps is not printed.
  // CHECK: nn.layer_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  %1 = nn.layer_norm %x, %g, %b {eps = 1.0e-5 : f32} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  // CHECK: %input_grad, %gamma_grad, %beta_grad = nn.layer_norm_grad %{{.*}}, %{{.*}}, %{{.*}} {eps = 1.000000e-03 : f32} : (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  %dx, %dg, %db = nn.layer_norm_grad %dy, %x, %g {eps = 1.0e-3 : f32} : (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  // CHECK: nn.rms_norm %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  %2 = nn.rms_norm %x, %g : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  // CHECK: nn.rms_norm %{{.*}}, %{{.*}} {eps = 9.99999974E-6 : f32}
  %3 = nn.rms_norm %x, %g {eps = 1.0e-5 : f32} : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  // CHECK: %input_grad{{.*}}, %gamma_grad{{.*}} = nn.rms_norm_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<8xf32>)
  %rdx, %rdg = nn.rms_norm_grad %dy, %x, %g : (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<8xf32>)
  return %0, %dg, %2, %rdg : tensor<2x4x8xf32>, tensor<8xf32>, tensor<2x4x8xf32>, tensor<8xf32>
}

// CHECK-LABEL: func.func @attention
func.func @attention(%s: tensor<2x3x4x4xf32>, %ds: tensor<2x3x4x4xf32>, %v: tensor<5xf32>) -> (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<5xf32>) {
  // CHECK: nn.causal_mask %{{.*}} : tensor<2x3x4x4xf32>
  %0 = nn.causal_mask %s : tensor<2x3x4x4xf32>
  // CHECK: nn.causal_mask_grad %{{.*}} : tensor<2x3x4x4xf32>
  %1 = nn.causal_mask_grad %ds : tensor<2x3x4x4xf32>
  // CHECK: nn.softmax %{{.*}} : tensor<2x3x4x4xf32>
  %2 = nn.softmax %0 : tensor<2x3x4x4xf32>
  // CHECK: nn.softmax_grad %{{.*}}, %{{.*}} : tensor<2x3x4x4xf32>
  %3 = nn.softmax_grad %ds, %2 : tensor<2x3x4x4xf32>
  // Rank 1: a single row.
  // CHECK: nn.softmax %{{.*}} : tensor<5xf32>
  %4 = nn.softmax %v : tensor<5xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<5xf32>
}

// CHECK-LABEL: func.func @dropout
func.func @dropout(%x: tensor<2x4x8xf32>, %dy: tensor<2x4x8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  // CHECK: %[[H:.+]] = nn.hyper : tensor<16xf32>
  %h = nn.hyper : tensor<16xf32>
  // CHECK: nn.dropout %{{.*}}, %[[H]] {rate = 1.000000e-01 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  %0 = nn.dropout %x, %h {rate = 0.1 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  // CHECK: nn.dropout_grad %{{.*}}, %[[H]] {rate = 1.000000e-01 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  %1 = nn.dropout_grad %dy, %h {rate = 0.1 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  return %0, %1 : tensor<2x4x8xf32>, tensor<2x4x8xf32>
}
