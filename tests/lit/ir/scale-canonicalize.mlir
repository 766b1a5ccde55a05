// RUN: myelin-opt %s --canonicalize --split-input-file | FileCheck %s
// A scale whose only users are matrix products moves onto their results
// (where it becomes the products' epilogue): attention's backward scales dS
// once and multiplies it by k and by q.

// CHECK-LABEL: func.func @into_products
// CHECK-SAME: (%[[DS:.+]]: tensor<2x8x8xf32>, %[[K:.+]]: tensor<2x8x4xf32>, %[[Q:.+]]: tensor<2x8x4xf32>)
// CHECK-NEXT: %[[A:.+]] = nn.matmul %[[DS]], %[[K]] :
// CHECK-NEXT: %[[SA:.+]] = nn.scale %[[A]] {factor = 1.250000e-01 : f32} : tensor<2x8x4xf32>
// CHECK-NEXT: %[[B:.+]] = nn.matmul %[[DS]], %[[Q]] {transpose_lhs} :
// CHECK-NEXT: %[[SB:.+]] = nn.scale %[[B]] {factor = 1.250000e-01 : f32} : tensor<2x8x4xf32>
// CHECK-NEXT: return %[[SA]], %[[SB]]
func.func @into_products(%ds: tensor<2x8x8xf32>, %k: tensor<2x8x4xf32>, %q: tensor<2x8x4xf32>) -> (tensor<2x8x4xf32>, tensor<2x8x4xf32>) {
  %s = nn.scale %ds {factor = 0.125 : f32} : tensor<2x8x8xf32>
  %a = nn.matmul %s, %k : (tensor<2x8x8xf32>, tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  %b = nn.matmul %s, %q {transpose_lhs} : (tensor<2x8x8xf32>, tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return %a, %b : tensor<2x8x4xf32>, tensor<2x8x4xf32>
}

// -----

// Stays: another user, a product of the scale with itself, an infinite
// factor.
// CHECK-LABEL: func.func @stays
// CHECK: %[[S:.+]] = nn.scale %arg0 {factor = 5.000000e-01 : f32}
// CHECK: nn.matmul %[[S]], %arg1
// CHECK: %[[T:.+]] = nn.scale %arg0 {factor = 2.000000e+00 : f32}
// CHECK: nn.matmul %[[T]], %[[T]]
// CHECK: %[[U:.+]] = nn.scale %arg0 {factor = 0x7F800000 : f32}
// CHECK: nn.matmul %[[U]], %arg1
func.func @stays(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %s = nn.scale %x {factor = 0.5 : f32} : tensor<4x4xf32>
  %a = nn.matmul %s, %y : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %t = nn.scale %x {factor = 2.0 : f32} : tensor<4x4xf32>
  %b = nn.matmul %t, %t : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %u = nn.scale %x {factor = 0x7F800000 : f32} : tensor<4x4xf32>
  %c = nn.matmul %u, %y : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %a, %s, %b, %c : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
