// myelinc compiles nn IR given as a `.mlir` file instead of a spec: the
// pipeline starts from the parsed module as it would from the frontend's.
// RUN: rm -rf %t && split-file %s %t
// RUN: myelinc %t/model.mlir --emit=nn-train | FileCheck %s
// RUN: not myelinc %t/no-model.mlir --emit=nn 2>&1 | FileCheck %s --check-prefix=NOMODEL
// RUN: not myelinc %t/invalid.mlir --emit=nn 2>&1 | FileCheck %s --check-prefix=INVALID

// CHECK-LABEL: func.func @m()
// CHECK:         nn.silu
// CHECK-LABEL: func.func @m_grad()
// CHECK:         nn.silu_grad
// CHECK-LABEL: func.func @m_train_step()

// NOMODEL: myelinc: error: no function marked 'nn.model' in '{{.*}}no-model.mlir'

// INVALID: invalid.mlir:3:8: error: 'nn.causal_mask' op expects square trailing dimensions [T, T], got 4 x 2 (shape [4, 2])

//--- model.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<4xf32> {nn.role = "sample_loss"}, tensor<4x2xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 4 : i64, data_kind = "synthetic", seed = 1 : i64}} {
  %x = nn.input "x" : tensor<4x3xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <he_normal> : tensor<3x2xf32>
  %h = nn.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %a = nn.silu %h : tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %a, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m, %l, %a : tensor<f32>, tensor<4xf32>, tensor<4x2xf32>
}

//--- no-model.mlir
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

//--- invalid.mlir
func.func @m() attributes {nn.model} {
  %x = nn.input "x" : tensor<4x2xf32>
  %c = nn.causal_mask %x : tensor<4x2xf32>
  return
}
