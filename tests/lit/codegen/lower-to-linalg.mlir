// RUN: myelin-opt %s --split-input-file --myelin-lower-to-linalg | FileCheck %s

// nn.linear: the bias broadcast is the accumulator of a matmul iterating
// (m, k, n), so the inner loop runs along contiguous rows.
// CHECK-DAG: #[[BIAS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @linear
// CHECK:      %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[BIAS]], #{{.+}}], iterator_types = ["parallel", "parallel"]} ins(%arg2
// CHECK:      linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%arg0, %arg1 : {{.+}}) outs(%[[INIT]]
// CHECK:        arith.mulf {{.+}} fastmath<reassoc,contract>
// CHECK:        arith.addf {{.+}} fastmath<reassoc,contract>
func.func @linear(%x: tensor<4x3xf32>, %w: tensor<3x2xf32>, %b: tensor<2xf32>) -> tensor<4x2xf32> {
  %0 = nn.linear %x, %w, %b : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A * B^T iterates (m, n, k): a dot product along contiguous k.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transpose_rhs
// CHECK: %[[Z:.+]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[BT]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]} {{.+}} outs(%[[Z]]
func.func @matmul_transpose_rhs(%dy: tensor<4x2xf32>, %w: tensor<3x2xf32>) -> tensor<4x3xf32> {
  %0 = nn.matmul %dy, %w {transpose_rhs} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// A^T * B iterates (m, k, n) with A read as (k, m).
// CHECK-DAG: #[[AT:.+]] = affine_map<(d0, d1, d2) -> (d1, d0)>
// CHECK-LABEL: func.func @matmul_transpose_lhs
// CHECK: linalg.generic {indexing_maps = [#[[AT]], {{.+}}], iterator_types = ["parallel", "reduction", "parallel"]}
func.func @matmul_transpose_lhs(%x: tensor<4x3xf32>, %dy: tensor<4x2xf32>) -> tensor<3x2xf32> {
  %0 = nn.matmul %x, %dy {transpose_lhs} : (tensor<4x3xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// relu(NaN) = NaN: an unordered compare.
// CHECK-LABEL: func.func @relu
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]
// CHECK:   %[[POS:.+]] = arith.cmpf ugt, %[[IN:.+]], %[[ZERO:.+]] : f32
// CHECK:   arith.select %[[POS]], %[[IN]], %[[ZERO]] : f32
func.func @relu(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %0 = nn.relu %x : tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// Bias gradient: a sum over the batch, the feature dimension innermost.
// CHECK-LABEL: func.func @reduce_sum
// CHECK: linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]
func.func @reduce_sum(%dy: tensor<4x2xf32>) -> tensor<2xf32> {
  %0 = nn.reduce_sum %dy dims [0] : tensor<4x2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Cross-entropy: row max, row sum of exp(x - max), the label's logit as a
// masked row sum, then log(sum) + max - picked.
// CHECK-LABEL: func.func @cross_entropy
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK:   arith.maximumf
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK:   math.exp
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK:   linalg.index 1
// CHECK:   arith.cmpi eq
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel"]
// CHECK:   math.log
func.func @cross_entropy(%l: tensor<4x3xf32>, %y: tensor<4xi32>) -> tensor<4xf32> {
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<4x3xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// AdamW: one elementwise kernel with three results reading hyper-parameters
// and the clipping factor as scalars.
// CHECK-LABEL: func.func @adamw
// CHECK-COUNT-5: tensor.extract %arg4
// CHECK: tensor.extract %arg5[] : tensor<f32>
// CHECK-COUNT-2: tensor.extract %arg4
// CHECK: %{{.+}}:3 = linalg.generic
// CHECK:   math.sqrt
// CHECK:   linalg.yield %{{.+}}, %{{.+}}, %{{.+}} : f32, f32, f32
func.func @adamw(%p: tensor<3xf32>, %g: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %h: tensor<16xf32>, %s: tensor<f32>) -> tensor<3xf32> {
  %p1, %m1, %v1 = nn.adam_update %p, %g, %m, %v, %h, %s {decoupled} : tensor<3xf32>, tensor<16xf32>
  return %p1 : tensor<3xf32>
}

// -----

// Gradient clipping: norm = sqrt(sum of squares); scale = clip/(norm+1e-6)
// capped at 1, or 1 when hyper[8] is 0.
// CHECK-LABEL: func.func @clip
// CHECK: %[[CLIP:.+]] = tensor.extract %arg1[%{{.+}}] : tensor<16xf32>
// CHECK: linalg.generic
// CHECK:   math.sqrt
// CHECK:   arith.minimumf
// CHECK:   arith.cmpf ogt, %[[CLIP]]
// CHECK:   arith.select
func.func @clip(%ss: tensor<f32>, %h: tensor<16xf32>) -> tensor<f32> {
  %s, %n = nn.clip_scale %ss, %h : tensor<16xf32>
  return %s : tensor<f32>
}
