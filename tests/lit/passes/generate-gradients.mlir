// RUN: myelin-opt %s --nn-generate-gradients --split-input-file | FileCheck %s

// A two-layer model: the gradient function returns the loss and one
// gradient per parameter; h is used twice (tanh and add), so its gradient
// is the sum of both contributions.

// CHECK-LABEL: func.func @m_grad()
// CHECK-SAME: -> (tensor<f32> {nn.role = "loss"}, tensor<3x2xf32> {nn.role = "grad", nn.target = "w"}, tensor<2xf32> {nn.role = "grad", nn.target = "b"})
// CHECK-SAME: nn.entry = "grad"
// CHECK:      %[[X:.+]] = nn.input "x"
// CHECK:      %[[Y:.+]] = nn.label "y"
// CHECK:      %[[W:.+]] = nn.param "w"
// CHECK:      %[[B:.+]] = nn.param "b"
// CHECK:      %[[H:.+]] = nn.linear %[[X]], %[[W]], %[[B]]
// CHECK:      %[[T:.+]] = nn.tanh %[[H]]
// CHECK:      %[[S:.+]] = nn.add %[[T]], %[[H]]
// CHECK:      %[[L:.+]] = nn.softmax_cross_entropy %[[S]], %[[Y]]
// CHECK:      %[[LOSS:.+]] = nn.mean %[[L]]
// CHECK:      %[[ONE:.+]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK:      %[[DL:.+]] = nn.broadcast %[[ONE]] {scale = 2.500000e-01 : f32}
// CHECK:      %[[DS:.+]] = nn.softmax_cross_entropy_grad %[[DL]], %[[S]], %[[Y]]
// CHECK:      %[[DT:.+]] = nn.tanh_grad %[[DS]], %[[T]]
// CHECK:      %[[DH:.+]] = nn.add %[[DS]], %[[DT]]
// CHECK:      nn.matmul %[[DH]], %[[W]] {transpose_rhs}
// CHECK:      %[[DW:.+]] = nn.matmul %[[X]], %[[DH]] {transpose_lhs}
// CHECK:      %[[DB:.+]] = nn.reduce_sum %[[DH]] dims [0]
// CHECK:      return %[[LOSS]], %[[DW]], %[[DB]]
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<4xf32> {nn.role = "sample_loss"}, tensor<4x2xf32> {nn.role = "logits"}) attributes {nn.model, nn.entry = "eval"} {
  %x = nn.input "x" : tensor<4x3xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <he_normal> : tensor<3x2xf32>
  %b = nn.param "b" init <zeros> : tensor<2xf32>
  %h = nn.linear %x, %w, %b : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %t = nn.tanh %h : tensor<4x2xf32>
  %s = nn.add %t, %h : tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %s, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m, %l, %s : tensor<f32>, tensor<4xf32>, tensor<4x2xf32>
}

// -----

// A parameter the loss does not depend on gets a zero gradient.
// CHECK-LABEL: func.func @unused_grad()
// CHECK: %[[Z:.+]] = arith.constant dense<0.000000e+00> : tensor<5xf32>
// CHECK: return %{{.+}}, %{{.+}}, %[[Z]]
func.func @unused() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %x = nn.input "x" : tensor<4x3xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <zeros> : tensor<3x2xf32>
  %u = nn.param "unused" init <zeros> : tensor<5xf32>
  %h = nn.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %h, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m : tensor<f32>
}
