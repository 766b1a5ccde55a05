// RUN: myelin-opt %s --nn-generate-gradients --split-input-file | FileCheck %s
// The gradient rules of the transformer ops build their backward ops from
// the forward operands (or, for softmax, the output).

// layer_norm: one backward op returns d(input), d(gamma), d(beta), with the
// forward's eps; gelu and scale chain in reverse order.
// CHECK-LABEL: func.func @ln_grad()
// CHECK-SAME: -> (tensor<f32> {nn.role = "loss"}, tensor<6x4xf32> {nn.role = "grad", nn.target = "w"}, tensor<4xf32> {nn.role = "grad", nn.target = "g"}, tensor<4xf32> {nn.role = "grad", nn.target = "b"})
// CHECK:      %[[H:.+]] = nn.matmul
// CHECK:      %[[N:.+]] = nn.layer_norm %[[H]], %[[G:.+]], %[[B:.+]] {eps = 1.000000e-03 : f32}
// CHECK:      %[[A:.+]] = nn.gelu %[[N]] {approximate = "tanh"}
// CHECK:      %[[S:.+]] = nn.scale %[[A]] {factor = 5.000000e-01 : f32}
// CHECK:      %[[DL:.+]] = nn.softmax_cross_entropy_grad
// CHECK:      %[[DA:.+]] = nn.scale %[[DL]] {factor = 5.000000e-01 : f32}
// CHECK:      %[[DN:.+]] = nn.gelu_grad %[[DA]], %[[N]] {approximate = "tanh"}
// CHECK:      %[[DH:[^ ]+]], %[[DG:[^ ]+]], %[[DB:[^ ]+]] = nn.layer_norm_grad %[[DN]], %[[H]], %[[G]] {eps = 1.000000e-03 : f32}
// CHECK:      %[[DW:.+]] = nn.matmul %{{.+}}, %[[DH]] {transpose_lhs}
// CHECK:      return %{{.+}}, %[[DW]], %[[DG]], %[[DB]]
func.func @ln() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w = nn.param "w" init <he_normal> : tensor<6x4xf32>
  %g = nn.param "g" init <ones> : tensor<4xf32>
  %b = nn.param "b" init <zeros> : tensor<4xf32>
  %h = nn.matmul %x, %w : (tensor<8x6xf32>, tensor<6x4xf32>) -> tensor<8x4xf32>
  %n = nn.layer_norm %h, %g, %b {eps = 1.0e-3 : f32} : (tensor<8x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  %a = nn.gelu %n {approximate = "tanh"} : tensor<8x4xf32>
  %s = nn.scale %a {factor = 0.5 : f32} : tensor<8x4xf32>
  %l = nn.softmax_cross_entropy %s, %y : (tensor<8x4xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// rms_norm and silu: the input gradient and d(gamma).
// CHECK-LABEL: func.func @rms_grad()
// CHECK:      %[[H:.+]] = nn.matmul
// CHECK:      %[[N:.+]] = nn.rms_norm %[[H]], %[[G:[^ ]+]] :
// CHECK:      %[[A:.+]] = nn.silu %[[N]]
// CHECK:      %[[DN:.+]] = nn.silu_grad %{{.+}}, %[[N]]
// CHECK:      %{{[^ ]+}}, %[[DG:[^ ]+]] = nn.rms_norm_grad %[[DN]], %[[H]], %[[G]] :
// CHECK:      return %{{.+}}, %{{.+}}, %[[DG]]
func.func @rms() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w = nn.param "w" init <he_normal> : tensor<6x4xf32>
  %g = nn.param "g" init <ones> : tensor<4xf32>
  %h = nn.matmul %x, %w : (tensor<8x6xf32>, tensor<6x4xf32>) -> tensor<8x4xf32>
  %n = nn.rms_norm %h, %g : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  %a = nn.silu %n : tensor<8x4xf32>
  %l = nn.softmax_cross_entropy %a, %y : (tensor<8x4xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// Attention scores: softmax's gradient reads its output, causal_mask's
// gradient only the incoming gradient; dropout recomputes its mask from the
// same hyper vector, rate and seed, and hyper gets no gradient.
// CHECK-LABEL: func.func @attn_grad()
// CHECK:      %[[HY:.+]] = nn.hyper : tensor<16xf32>
// CHECK:      %[[S:.+]] = nn.matmul
// CHECK:      %[[C:.+]] = nn.causal_mask %[[S]]
// CHECK:      %[[P:.+]] = nn.softmax %[[C]]
// CHECK:      %[[D:.+]] = nn.dropout %[[P]], %[[HY]] {rate = 2.500000e-01 : f32, seed = 11 : i64}
// CHECK:      %[[DD:.+]] = nn.softmax_cross_entropy_grad
// CHECK:      %[[DP:.+]] = nn.dropout_grad %[[DD]], %[[HY]] {rate = 2.500000e-01 : f32, seed = 11 : i64}
// CHECK:      %[[DC:.+]] = nn.softmax_grad %[[DP]], %[[P]]
// CHECK:      %[[DS:.+]] = nn.causal_mask_grad %[[DC]]
// CHECK:      nn.matmul %{{.+}}, %[[DS]] {transpose_lhs}
// CHECK-NOT:  nn.add
// CHECK:      return
func.func @attn() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %hy = nn.hyper : tensor<16xf32>
  %w = nn.param "w" init <he_normal> : tensor<6x8xf32>
  %s = nn.matmul %x, %w : (tensor<8x6xf32>, tensor<6x8xf32>) -> tensor<8x8xf32>
  %c = nn.causal_mask %s : tensor<8x8xf32>
  %p = nn.softmax %c : tensor<8x8xf32>
  %d = nn.dropout %p, %hy {rate = 0.25 : f32, seed = 11 : i64} : tensor<8x8xf32>, tensor<16xf32>
  %l = nn.softmax_cross_entropy %d, %y : (tensor<8x8xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// gelu without approximation keeps the default on its gradient.
// CHECK-LABEL: func.func @erf_grad()
// CHECK:      %[[A:.+]] = nn.gelu %[[N:[^ ]+]] : tensor<8x4xf32>
// CHECK:      nn.gelu_grad %{{.+}}, %[[N]] : tensor<8x4xf32>
func.func @erf() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w = nn.param "w" init <he_normal> : tensor<6x4xf32>
  %h = nn.matmul %x, %w : (tensor<8x6xf32>, tensor<6x4xf32>) -> tensor<8x4xf32>
  %a = nn.gelu %h : tensor<8x4xf32>
  %l = nn.softmax_cross_entropy %a, %y : (tensor<8x4xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m : tensor<f32>
}
