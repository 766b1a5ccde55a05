// RUN: myelin-opt %s --split-input-file --myelin-lower-to-linalg | FileCheck %s
// RUN: myelin-opt %s --split-input-file --myelin-lower-to-linalg --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --canonicalize --cse --canonicalize | FileCheck %s --check-prefix=BUF
// Lowering of the shape and embedding ops and of the batched and
// broadcasting forms of nn.matmul, nn.linear, nn.add and
// nn.softmax_cross_entropy.

// Batched A * B^T (attention scores): batch dimensions outermost, then the
// (m, n, k) dot-product order of the 2-D case.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[BT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_batched_transpose_rhs
// CHECK: %[[Z:.+]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[BT]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : {{.+}}) outs(%[[Z]]
func.func @matmul_batched_transpose_rhs(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32> {
  %0 = nn.matmul %q, %k {transpose_rhs} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32>
  return %0 : tensor<2x4x8x8xf32>
}

// -----

// Batched A^T * B: (b, m, k, n) with A read as (b, k, m), n innermost.
// CHECK-DAG: #[[AT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @matmul_batched_transpose_lhs
// CHECK: linalg.generic {indexing_maps = [#[[AT]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
func.func @matmul_batched_transpose_lhs(%a: tensor<3x5x6xf32>, %b: tensor<3x5x7xf32>) -> tensor<3x6x7xf32> {
  %0 = nn.matmul %a, %b {transpose_lhs} : (tensor<3x5x6xf32>, tensor<3x5x7xf32>) -> tensor<3x6x7xf32>
  return %0 : tensor<3x6x7xf32>
}

// -----

// A shared rank-2 rhs (tied output projection) is indexed by (n, k) only.
// CHECK-DAG: #[[H:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[WTE:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_shared_rhs
// CHECK: linalg.generic {indexing_maps = [#[[H]], #[[WTE]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : tensor<2x8x32xf32>, tensor<64x32xf32>)
func.func @matmul_shared_rhs(%h: tensor<2x8x32xf32>, %wte: tensor<64x32xf32>) -> tensor<2x8x64xf32> {
  %0 = nn.matmul %h, %wte {transpose_rhs} : (tensor<2x8x32xf32>, tensor<64x32xf32>) -> tensor<2x8x64xf32>
  return %0 : tensor<2x8x64xf32>
}

// -----

// nn.linear on [B, T, K]: the bias broadcast along both leading dimensions
// is the accumulator of a (b, t, k, n) product with the shared weight.
// CHECK-DAG: #[[BIAS:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[X:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[Y:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @linear3
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[BIAS]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg2
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%arg0, %arg1 : {{.+}}) outs(%[[INIT]]
func.func @linear3(%x: tensor<2x8x32xf32>, %w: tensor<32x16xf32>, %b: tensor<16xf32>) -> tensor<2x8x16xf32> {
  %0 = nn.linear %x, %w, %b : (tensor<2x8x32xf32>, tensor<32x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}

// -----

// nn.add broadcasting learned positions [T, C] over [B, T, C]: the rhs map
// drops the batch dimension. Same-shaped operands keep identity maps.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[POS:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<() -> ()>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[POS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x8x16xf32>, tensor<8x16xf32>)
// CHECK:   arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[SCALAR]], #[[SCALAR]], #[[SCALAR]]], iterator_types = []} ins(%arg2, %arg2 : tensor<f32>, tensor<f32>)
func.func @add_broadcast(%x: tensor<2x8x16xf32>, %pos: tensor<8x16xf32>, %s: tensor<f32>) -> (tensor<2x8x16xf32>, tensor<f32>) {
  %0 = nn.add %x, %pos : tensor<2x8x16xf32>, tensor<8x16xf32>
  %1 = nn.add %s, %s : tensor<f32>
  return %0, %1 : tensor<2x8x16xf32>, tensor<f32>
}

// -----

// Per-token cross-entropy: [B, T, V] logits and [B, T] labels stay in their
// shape; the row reductions run over the last loop. The backward builds the
// same row max and sum as the forward (CSE merges them, see row-ops.mlir).
// CHECK-DAG: #[[FULL:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @cross_entropy3
// CHECK-NOT: tensor.collapse_shape
// CHECK:     %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<2x8x16xf32>) outs(%{{.+}} : tensor<2x8xf32>)
// CHECK:     %[[SUM:.+]] = linalg.generic {{.+}} ins(%arg0, %[[MAX]] :
// CHECK:     %[[PICK:.+]] = linalg.generic {{.+}} ins(%arg0, %arg1 : tensor<2x8x16xf32>, tensor<2x8xi32>)
// CHECK:     %[[LOSS:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%[[MAX]], %[[SUM]], %[[PICK]] :
// CHECK:     %[[D:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]], #[[ROW]], #[[ROW]], #[[ROW]], #[[FULL]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %{{.+}}, %{{.+}}, %arg1, %arg2 : tensor<2x8x16xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xi32>, tensor<2x8xf32>)
// CHECK-NOT: tensor.expand_shape
// CHECK:     return %[[LOSS]], %[[D]]
func.func @cross_entropy3(%l: tensor<2x8x16xf32>, %y: tensor<2x8xi32>, %dl: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8x16xf32>) {
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8xf32>
  %1 = nn.softmax_cross_entropy_grad %dl, %l, %y : (tensor<2x8xf32>, tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8x16xf32>
  return %0, %1 : tensor<2x8xf32>, tensor<2x8x16xf32>
}

// -----

// nn.reshape: one expand or collapse when dimensions reassociate, else a
// collapse to 1-D and an expand; all views after bufferization.
// CHECK-LABEL: func.func @reshape
// CHECK-NOT: linalg
// CHECK: %[[E:.+]] = tensor.expand_shape %arg0 {{\[}}[0], [1], [2, 3]] output_shape [2, 8, 4, 8] : tensor<2x8x32xf32> into tensor<2x8x4x8xf32>
// CHECK: %[[C:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<2x8x32xf32> into tensor<16x32xf32>
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %arg1 {{\[}}[0, 1]] : tensor<6x4xf32> into tensor<24xf32>
// CHECK: %[[T:.+]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK: %[[S:.+]] = tensor.collapse_shape %arg2 [] : tensor<1x1xf32> into tensor<f32>
// CHECK: %[[I:.+]] = tensor.collapse_shape %arg3 {{\[}}[0, 1]] : tensor<2x8xi32> into tensor<16xi32>
// CHECK: return %[[E]], %[[C]], %[[T]], %[[S]], %[[I]]
// BUF-LABEL: func.func @reshape
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: return
func.func @reshape(%x: tensor<2x8x32xf32>, %y: tensor<6x4xf32>, %z: tensor<1x1xf32>, %ids: tensor<2x8xi32>) -> (tensor<2x8x4x8xf32>, tensor<16x32xf32>, tensor<4x6xf32>, tensor<f32>, tensor<16xi32>) {
  %0 = nn.reshape %x : tensor<2x8x32xf32> -> tensor<2x8x4x8xf32>
  %1 = nn.reshape %x : tensor<2x8x32xf32> -> tensor<16x32xf32>
  %2 = nn.reshape %y : tensor<6x4xf32> -> tensor<4x6xf32>
  %3 = nn.reshape %z : tensor<1x1xf32> -> tensor<f32>
  %4 = nn.reshape %ids : tensor<2x8xi32> -> tensor<16xi32>
  return %0, %1, %2, %3, %4 : tensor<2x8x4x8xf32>, tensor<16x32xf32>, tensor<4x6xf32>, tensor<f32>, tensor<16xi32>
}

// -----

// nn.transpose: written in order, read through the permutation.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[IN3:.+]] = affine_map<(d0, d1, d2) -> (d2, d0, d1)>
// CHECK-LABEL: func.func @transpose
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0 : tensor<2x8x4x16xf32>) outs(%{{.+}} : tensor<2x4x8x16xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:   linalg.yield %[[V]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[IN3]], {{.+}}]{{.+}} ins(%arg1 : tensor<2x3x4xf32>) outs(%{{.+}} : tensor<3x4x2xf32>)
func.func @transpose(%x: tensor<2x8x4x16xf32>, %y: tensor<2x3x4xf32>) -> (tensor<2x4x8x16xf32>, tensor<3x4x2xf32>) {
  %0 = nn.transpose %x permutation [0, 2, 1, 3] : tensor<2x8x4x16xf32> -> tensor<2x4x8x16xf32>
  %1 = nn.transpose %y permutation [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  return %0, %1 : tensor<2x4x8x16xf32>, tensor<3x4x2xf32>
}

// -----

// nn.embedding: parallel over the result, the id read through a map that
// drops the feature dimension, clamped to [0, V), the row read with
// tensor.extract.
// CHECK-DAG: #[[IDS:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @embedding
// CHECK: linalg.generic {indexing_maps = [#[[IDS]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg1 : tensor<2x8xi32>) outs(%{{.+}} : tensor<2x8x32xf32>)
// CHECK-NEXT: ^bb0(%[[ID:.+]]: i32, %{{.+}}: f32):
// CHECK-NEXT:   %[[IDX:.+]] = arith.index_cast %[[ID]] : i32 to index
// CHECK-DAG:    %[[ZERO:.+]] = arith.constant 0 : index
// CHECK-DAG:    %[[LAST:.+]] = arith.constant 63 : index
// CHECK:        %[[LOW:.+]] = arith.maxsi %[[IDX]], %[[ZERO]] : index
// CHECK-NEXT:   %[[ROW:.+]] = arith.minsi %[[LOW]], %[[LAST]] : index
// CHECK-NEXT:   %[[COL:.+]] = linalg.index 2 : index
// CHECK-NEXT:   %[[V:.+]] = tensor.extract %arg0[%[[ROW]], %[[COL]]] : tensor<64x32xf32>
// CHECK-NEXT:   linalg.yield %[[V]] : f32
func.func @embedding(%wte: tensor<64x32xf32>, %ids: tensor<2x8xi32>) -> tensor<2x8x32xf32> {
  %0 = nn.embedding %wte, %ids : (tensor<64x32xf32>, tensor<2x8xi32>) -> tensor<2x8x32xf32>
  return %0 : tensor<2x8x32xf32>
}

// -----

// nn.embedding_grad: a zero table threaded through a loop over the 16
// positions; each adds its gradient row into the clamped id's row, which
// bufferizes in place (no allocation or copy in the loop).
// CHECK-LABEL: func.func @embedding_grad
// CHECK-DAG: %[[IDS:.+]] = tensor.collapse_shape %arg1 {{\[}}[0, 1]] : tensor<2x8xi32> into tensor<16xi32>
// CHECK-DAG: %[[DY:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<2x8x32xf32> into tensor<16x32xf32>
// CHECK:     %[[ZERO:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<64x32xf32>)
// CHECK:     %[[R:.+]] = scf.for %[[P:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[ZERO]]) -> (tensor<64x32xf32>) {
// CHECK:       %[[ID:.+]] = tensor.extract %[[IDS]][%[[P]]] : tensor<16xi32>
// CHECK:       arith.maxsi
// CHECK:       %[[ROW:.+]] = arith.minsi
// CHECK:       %[[G:.+]] = tensor.extract_slice %[[DY]][%[[P]], 0] [1, 32] [1, 1] : tensor<16x32xf32> to tensor<32xf32>
// CHECK:       %[[T:.+]] = tensor.extract_slice %[[ACC]][%[[ROW]], 0] [1, 32] [1, 1] : tensor<64x32xf32> to tensor<32xf32>
// CHECK:       %[[SUM:.+]] = linalg.generic {{.+}} ins(%[[G]] : tensor<32xf32>) outs(%[[T]] : tensor<32xf32>)
// CHECK:         arith.addf
// CHECK:       %[[NEW:.+]] = tensor.insert_slice %[[SUM]] into %[[ACC]][%[[ROW]], 0] [1, 32] [1, 1] : tensor<32xf32> into tensor<64x32xf32>
// CHECK:       scf.yield %[[NEW]] : tensor<64x32xf32>
// CHECK:     return %[[R]]
// BUF-LABEL: func.func @embedding_grad
// BUF:       %[[TABLE:.+]] = memref.alloc() {{.+}} : memref<64x32xf32>
// BUF:       linalg.fill {{.+}} outs(%[[TABLE]]
// BUF:       scf.for
// BUF-NOT:     memref.alloc
// BUF-NOT:     memref.copy
// BUF:         memref.subview %[[TABLE]]
// BUF-NOT:     memref.alloc
// BUF-NOT:     memref.copy
// BUF:       return
func.func @embedding_grad(%dy: tensor<2x8x32xf32>, %ids: tensor<2x8xi32>) -> tensor<64x32xf32> {
  %0 = nn.embedding_grad %dy, %ids vocab 64 : (tensor<2x8x32xf32>, tensor<2x8xi32>) -> tensor<64x32xf32>
  return %0 : tensor<64x32xf32>
}
