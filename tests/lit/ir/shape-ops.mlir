// RUN: myelin-opt %s | myelin-opt | FileCheck %s
// Round trip of the shape and embedding ops, and of the batched and
// broadcasting forms of nn.matmul, nn.linear, nn.add and
// nn.softmax_cross_entropy.

// CHECK-LABEL: func.func @matmul_batched
func.func @matmul_batched(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>, %h: tensor<2x8x32xf32>, %wte: tensor<64x32xf32>, %a: tensor<3x5x6xf32>, %b: tensor<3x5x7xf32>) -> (tensor<2x4x8x16xf32>, tensor<2x8x64xf32>, tensor<3x6x7xf32>) {
  // CHECK: nn.matmul %{{.*}}, %{{.*}} {transpose_rhs} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32>
  %s = nn.matmul %q, %k {transpose_rhs} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %o = nn.matmul %s, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} {transpose_rhs} : (tensor<2x8x32xf32>, tensor<64x32xf32>) -> tensor<2x8x64xf32>
  %l = nn.matmul %h, %wte {transpose_rhs} : (tensor<2x8x32xf32>, tensor<64x32xf32>) -> tensor<2x8x64xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} {transpose_lhs} : (tensor<3x5x6xf32>, tensor<3x5x7xf32>) -> tensor<3x6x7xf32>
  %t = nn.matmul %a, %b {transpose_lhs} : (tensor<3x5x6xf32>, tensor<3x5x7xf32>) -> tensor<3x6x7xf32>
  return %o, %l, %t : tensor<2x4x8x16xf32>, tensor<2x8x64xf32>, tensor<3x6x7xf32>
}

// CHECK-LABEL: func.func @linear_add_loss
func.func @linear_add_loss(%x: tensor<2x8x32xf32>, %w: tensor<32x16xf32>, %b: tensor<16xf32>, %pos: tensor<8x16xf32>, %y: tensor<2x8xi32>, %dl: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8x16xf32>) {
  // CHECK: nn.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x8x32xf32>, tensor<32x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %h = nn.linear %x, %w, %b : (tensor<2x8x32xf32>, tensor<32x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  // Same-shaped operands print one type, broadcasting ones both.
  // CHECK: nn.add %{{.*}}, %{{.*}} : tensor<2x8x16xf32>{{$}}
  %s = nn.add %h, %h : tensor<2x8x16xf32>
  // CHECK: nn.add %{{.*}}, %{{.*}} : tensor<2x8x16xf32>, tensor<8x16xf32>
  %p = nn.add %s, %pos : tensor<2x8x16xf32>, tensor<8x16xf32>
  // CHECK: nn.add %{{.*}}, %{{.*}} : tensor<2x8x16xf32>, tensor<16xf32>
  %c = nn.add %p, %b : tensor<2x8x16xf32>, tensor<16xf32>
  // CHECK: nn.softmax_cross_entropy %{{.*}}, %{{.*}} : (tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8xf32>
  %l = nn.softmax_cross_entropy %c, %y : (tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8xf32>
  // CHECK: nn.softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8x16xf32>
  %d = nn.softmax_cross_entropy_grad %dl, %c, %y : (tensor<2x8xf32>, tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8x16xf32>
  return %l, %d : tensor<2x8xf32>, tensor<2x8x16xf32>
}

// CHECK-LABEL: func.func @shape
func.func @shape(%x: tensor<2x8x32xf32>, %ids: tensor<2x8xi32>) -> (tensor<2x4x8x8xf32>, tensor<16xi32>) {
  // CHECK: nn.reshape %{{.*}} : tensor<2x8x32xf32> -> tensor<2x8x4x8xf32>
  %r = nn.reshape %x : tensor<2x8x32xf32> -> tensor<2x8x4x8xf32>
  // CHECK: nn.transpose %{{.*}} permutation [0, 2, 1, 3] : tensor<2x8x4x8xf32> -> tensor<2x4x8x8xf32>
  %t = nn.transpose %r permutation [0, 2, 1, 3] : tensor<2x8x4x8xf32> -> tensor<2x4x8x8xf32>
  // Token ids reshape too.
  // CHECK: nn.reshape %{{.*}} : tensor<2x8xi32> -> tensor<16xi32>
  %f = nn.reshape %ids : tensor<2x8xi32> -> tensor<16xi32>
  return %t, %f : tensor<2x4x8x8xf32>, tensor<16xi32>
}

// CHECK-LABEL: func.func @embedding
func.func @embedding(%wte: tensor<64x32xf32>, %ids: tensor<2x8xi32>, %d: tensor<2x8x32xf32>) -> (tensor<2x8x32xf32>, tensor<64x32xf32>) {
  // CHECK: nn.embedding %{{.*}}, %{{.*}} : (tensor<64x32xf32>, tensor<2x8xi32>) -> tensor<2x8x32xf32>
  %e = nn.embedding %wte, %ids : (tensor<64x32xf32>, tensor<2x8xi32>) -> tensor<2x8x32xf32>
  // CHECK: nn.embedding_grad %{{.*}}, %{{.*}} vocab 64 : (tensor<2x8x32xf32>, tensor<2x8xi32>) -> tensor<64x32xf32>
  %g = nn.embedding_grad %d, %ids vocab 64 : (tensor<2x8x32xf32>, tensor<2x8xi32>) -> tensor<64x32xf32>
  return %e, %g : tensor<2x8x32xf32>, tensor<64x32xf32>
}

// nn.linear of any rank >= 2: its gradient multiplies rank-5 tensors with the
// shared weight.
// CHECK-LABEL: func.func @rank5
func.func @rank5(%x: tensor<2x1x2x1x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>, %d: tensor<2x1x2x1x4xf32>) -> (tensor<2x1x2x1x4xf32>, tensor<2x1x2x1x3xf32>) {
  // CHECK: nn.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x1x2x1x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x1x2x1x4xf32>
  %0 = nn.linear %x, %w, %b : (tensor<2x1x2x1x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x1x2x1x4xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} {transpose_rhs} : (tensor<2x1x2x1x4xf32>, tensor<3x4xf32>) -> tensor<2x1x2x1x3xf32>
  %1 = nn.matmul %d, %w {transpose_rhs} : (tensor<2x1x2x1x4xf32>, tensor<3x4xf32>) -> tensor<2x1x2x1x3xf32>
  return %0, %1 : tensor<2x1x2x1x4xf32>, tensor<2x1x2x1x3xf32>
}
