// Forward values of the shape and embedding lowerings and of the batched
// and broadcasting forms of nn.matmul, nn.linear, nn.add and
// nn.softmax_cross_entropy, on small constants whose results are easy to
// check by hand: the IR is lowered like myelinc does (to linalg, bufferized,
// to loops and LLVM) and run by mlir-cpu-runner. Gradient checks only compare
// a lowering with itself; this pins the forward semantics.
// RUN: myelin-opt %s --myelin-lower-to-linalg --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --buffer-deallocation-pipeline --convert-bufferization-to-memref --convert-linalg-to-loops --lower-affine --convert-scf-to-cf --expand-strided-metadata --lower-affine --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// CHECK:      sizes = [2, 2, 2]
// CHECK-NEXT: {{\[\[}}[1,    2],
// CHECK-NEXT:   [3,    4]],
// CHECK-NEXT:  {{\[\[}}6,    5],
// CHECK-NEXT:   [8,    7]]]
// CHECK:      sizes = [2, 1, 3]
// CHECK-NEXT: {{\[\[}}[1,    2,    3]],
// CHECK-NEXT:  {{\[\[}}3,    4,    7]]]
// CHECK:      sizes = [2, 2, 2]
// CHECK-NEXT: {{\[\[}}[1107.5,    2210.25],
// CHECK-NEXT:   [1115.12,    2222.06]],
// CHECK-NEXT:  {{\[\[}}1123.5,    2234.25],
// CHECK-NEXT:   [1131.12,    2246.06]]]
// CHECK:      sizes = [3, 2]
// CHECK-NEXT: {{\[\[}}0,   1],
// CHECK-NEXT:  [2,   3],
// CHECK-NEXT:  [4,   5]]
// CHECK:      sizes = [3, 2, 2]
// CHECK-NEXT: {{\[\[}}[0,    6],
// CHECK-NEXT:   [1,    7]],
// CHECK-NEXT:  {{\[\[}}2,    8],
// CHECK-NEXT:   [3,    9]],
// CHECK-NEXT:  {{\[\[}}4,    10],
// CHECK-NEXT:   [5,    11]]]
// CHECK:      sizes = [2, 2, 2]
// CHECK-NEXT: {{\[\[}}[1,    2],
// CHECK-NEXT:   [5,    6]],
// CHECK-NEXT:  {{\[\[}}1,    2],
// CHECK-NEXT:   [5,    6]]]
// CHECK:      sizes = [3, 2]
// CHECK-NEXT: {{\[\[}}6,   8],
// CHECK-NEXT:  [0,   0],
// CHECK-NEXT:  [10,   12]]
// CHECK:      sizes = [1, 2]
// CHECK-NEXT: {{\[\[}}0.693147,   1.38629]]

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<*xf32>) {
  call @printMemrefF32(%t) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // Batched A * B^T: batch 0 times the identity, batch 1 times the swap.
  %a = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %b = arith.constant dense<[[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]]> : tensor<2x2x2xf32>
  %mm = nn.matmul %a, %b {transpose_rhs} : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %p0 = tensor.cast %mm : tensor<2x2x2xf32> to tensor<*xf32>
  call @print(%p0) : (tensor<*xf32>) -> ()

  // A shared rhs: every row of [2, 1, 2] times [3, 2]^T.
  %h = arith.constant dense<[[[1.0, 2.0]], [[3.0, 4.0]]]> : tensor<2x1x2xf32>
  %w = arith.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf32>
  %tied = nn.matmul %h, %w {transpose_rhs} : (tensor<2x1x2xf32>, tensor<3x2xf32>) -> tensor<2x1x3xf32>
  %p1 = tensor.cast %tied : tensor<2x1x3xf32> to tensor<*xf32>
  call @print(%p1) : (tensor<*xf32>) -> ()

  // Rank-3 linear, then broadcast adds of [T, C] and [C].
  %wl = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %bl = arith.constant dense<[100.0, 200.0]> : tensor<2xf32>
  %lin = nn.linear %a, %wl, %bl : (tensor<2x2x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2x2xf32>
  %pos = arith.constant dense<[[0.5, 0.25], [0.125, 0.0625]]> : tensor<2x2xf32>
  %plus = nn.add %lin, %pos : tensor<2x2x2xf32>, tensor<2x2xf32>
  %shift = arith.constant dense<[1000.0, 2000.0]> : tensor<2xf32>
  %plus2 = nn.add %plus, %shift : tensor<2x2x2xf32>, tensor<2xf32>
  %p2 = tensor.cast %plus2 : tensor<2x2x2xf32> to tensor<*xf32>
  call @print(%p2) : (tensor<*xf32>) -> ()

  // Reshape [2, 3] -> [3, 2] (through 1-D) keeps row-major order; transpose
  // [1, 2, 0] of [2, 3, 2]: result[i, j, k] = x[k, i, j] = 6k + 2i + j.
  %x6 = arith.constant dense<[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]> : tensor<2x3xf32>
  %r = nn.reshape %x6 : tensor<2x3xf32> -> tensor<3x2xf32>
  %p3 = tensor.cast %r : tensor<3x2xf32> to tensor<*xf32>
  call @print(%p3) : (tensor<*xf32>) -> ()
  %x12 = arith.constant dense<[[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], [[6.0, 7.0], [8.0, 9.0], [10.0, 11.0]]]> : tensor<2x3x2xf32>
  %t = nn.transpose %x12 permutation [1, 2, 0] : tensor<2x3x2xf32> -> tensor<3x2x2xf32>
  %p4 = tensor.cast %t : tensor<3x2x2xf32> to tensor<*xf32>
  call @print(%p4) : (tensor<*xf32>) -> ()

  // Embedding rows 0 and 2, with -1 and 9 clamped to rows 0 and 2; the
  // gradient adds both positions of each row, row 1 stays zero.
  %table = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %ids = arith.constant dense<[[0, 2], [-1, 9]]> : tensor<2x2xi32>
  %e = nn.embedding %table, %ids : (tensor<3x2xf32>, tensor<2x2xi32>) -> tensor<2x2x2xf32>
  %p5 = tensor.cast %e : tensor<2x2x2xf32> to tensor<*xf32>
  call @print(%p5) : (tensor<*xf32>) -> ()
  %eg = nn.embedding_grad %a, %ids vocab 3 : (tensor<2x2x2xf32>, tensor<2x2xi32>) -> tensor<3x2xf32>
  %p6 = tensor.cast %eg : tensor<3x2xf32> to tensor<*xf32>
  call @print(%p6) : (tensor<*xf32>) -> ()

  // Per-position cross-entropy: log(2) for equal logits, log(4) for logits
  // [log 3, 0] against label 1.
  %logits = arith.constant dense<[[[0.0, 0.0], [1.09861229, 0.0]]]> : tensor<1x2x2xf32>
  %labels = arith.constant dense<[[0, 1]]> : tensor<1x2xi32>
  %ce = nn.softmax_cross_entropy %logits, %labels : (tensor<1x2x2xf32>, tensor<1x2xi32>) -> tensor<1x2xf32>
  %p7 = tensor.cast %ce : tensor<1x2xf32> to tensor<*xf32>
  call @print(%p7) : (tensor<*xf32>) -> ()
  return
}
