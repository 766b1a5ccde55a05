// RUN: myelin-opt %s --canonicalize --split-input-file | FileCheck %s
// Folders of nn.reshape and nn.transpose: gradient generation reshapes and
// transposes back what the forward pass reshaped and transposed.

// CHECK-LABEL: func.func @reshape_chain
// CHECK-NEXT: %[[R:.+]] = nn.reshape %arg0 : tensor<2x8x32xf32> -> tensor<16x32xf32>
// CHECK-NEXT: return %arg0, %[[R]]
func.func @reshape_chain(%x: tensor<2x8x32xf32>) -> (tensor<2x8x32xf32>, tensor<16x32xf32>) {
  %0 = nn.reshape %x : tensor<2x8x32xf32> -> tensor<2x8x4x8xf32>
  %1 = nn.reshape %0 : tensor<2x8x4x8xf32> -> tensor<2x8x32xf32>
  %2 = nn.reshape %0 : tensor<2x8x4x8xf32> -> tensor<16x32xf32>
  return %1, %2 : tensor<2x8x32xf32>, tensor<16x32xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_chain
// CHECK-NEXT: %[[T:.+]] = nn.transpose %arg0 permutation [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %arg0, %arg0, %[[T]]
func.func @transpose_chain(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %id = nn.transpose %x permutation [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %0 = nn.transpose %x permutation [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  // The inverse permutation cancels it.
  %1 = nn.transpose %0 permutation [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  // Applying [1, 2, 0] three times is the identity, twice is [2, 0, 1].
  %2 = nn.transpose %0 permutation [1, 2, 0] : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  return %id, %1, %2 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4x2x3xf32>
}
