// RUN: myelin-opt %s --split-input-file --myelin-lower-to-linalg | FileCheck %s
// Lowering of the transformer ops (codegen/NNToLinalg/Transformer.cpp and
// Normalization.cpp): rank-generic row reductions over the last dimension,
// elementwise generics, the causal mask from loop indices and the dropout
// mask from a hash.

// softmax on [B, H, T, T]: row max (last loop a reduction, from -inf);
// e = exp(x - max) and its row sum in one generic (e indexed like x, the
// sum by row, the last loop a reduction); then e * (1 / sum), all parallel
// (no second exp).
// CHECK-DAG: #[[FULL:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @softmax
// CHECK:      %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:      %[[MAXINIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<2x3x4xf32>)
// CHECK:      %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0 : tensor<2x3x4x4xf32>) outs(%[[MAXINIT]] : tensor<2x3x4xf32>)
// CHECK:        arith.maximumf
// CHECK:      %[[ES:.+]]:2 = linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]], #[[FULL]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %[[MAX]] :
// CHECK:        arith.subf {{.+}} fastmath<reassoc,contract>
// CHECK:        %[[E:.+]] = math.exp
// CHECK:        %[[ACC:.+]] = arith.addf %{{.+}}, %[[E]]
// CHECK:        linalg.yield %[[E]], %[[ACC]]
// CHECK:      linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]], #[[FULL]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[ES]]#0, %[[ES]]#1 :
// CHECK-NOT:    math.exp
// CHECK:        %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:        %[[RECIP:.+]] = arith.divf %[[ONE]], %{{.+}} fastmath
// CHECK-NOT:    math.exp
// CHECK:        arith.mulf %{{.+}}, %[[RECIP]]
func.func @softmax(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  %0 = nn.softmax %x : tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// softmax_grad: y (dy - sum(dy y)).
// CHECK-LABEL: func.func @softmax_grad
// CHECK:      %[[DOT:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK:        arith.mulf
// CHECK:        arith.addf
// CHECK:      linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1, %[[DOT]] :
// CHECK:        %[[D:.+]] = arith.subf %[[DY:.+]], %[[S:.+]] fastmath
// CHECK:        arith.mulf %{{.+}}, %[[D]]
func.func @softmax_grad(%dy: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = nn.softmax_grad %dy, %y : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// layer_norm on [B, T, C]: row sum, row sum of squared deviations (second
// pass), row mean and 1/sqrt(var + eps), then (x - mean) rstd gamma + beta
// with gamma and beta indexed by the feature loop.
// CHECK-DAG: #[[FULL:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[FEAT:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
// CHECK:      %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 :
// CHECK:      %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[SUM]] :
// CHECK:      %[[STATS:.+]]:2 = linalg.generic {{.+}} ins(%[[SUM]], %[[SQ]] : tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK:        arith.constant 1.250000e-01 : f32
// CHECK:        arith.constant 9.99999974E-6 : f32
// CHECK:        math.sqrt
// CHECK:        arith.divf
// CHECK:      linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]], #[[ROW]], #[[FEAT]], #[[FEAT]], #[[FULL]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %[[STATS]]#0, %[[STATS]]#1, %arg1, %arg2 :
func.func @layer_norm(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  %0 = nn.layer_norm %x, %g, %b : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %0 : tensor<2x4x8xf32>
}

// -----

// layer_norm_grad on [64, 4, 8] (256 rows): the statistics are recomputed
// (the same generics as the forward's, which CSE merges in a training step);
// the row sums of g and of g xhat are two single-result generics (so that
// each vectorizes); then one pass over the
// rows in 16 blocks of 16 (loops: block parallel, row reduction, feature
// parallel) yields dx and the per-block partial sums of dgamma and dbeta,
// which a small generic adds up.
// CHECK-DAG: #[[FULL:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[FEAT:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[PART:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BLK:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @layer_norm_grad
// CHECK:      %[[STATS:.+]]:2 = linalg.generic
// CHECK:      %[[SG:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[FEAT]], #[[ROW]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %arg2 :
// CHECK:      %[[SGX:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[FULL]], #[[ROW]], #[[ROW]], #[[FEAT]], #[[ROW]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %arg1, %[[STATS]]#0, %[[STATS]]#1, %arg2 :
// CHECK:      %[[DYB:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [16, 16, 8] : tensor<256x8xf32> into tensor<16x16x8xf32>
// CHECK:      %[[XB:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [16, 16, 8]
// CHECK:      %[[F:.+]]:3 = linalg.generic {indexing_maps = [#[[FULL]], #[[FULL]], #[[ROW]], #[[ROW]], #[[ROW]], #[[ROW]], #[[FEAT]], #[[FULL]], #[[PART]], #[[PART]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[DYB]], %[[XB]], {{.+}}, %arg2 : tensor<16x16x8xf32>, tensor<16x16x8xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<8xf32>) outs({{.+}} : tensor<16x16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>)
// CHECK:      %[[P:.+]]:2 = linalg.generic {indexing_maps = [#[[BLK]], #[[BLK]], #[[COL]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[F]]#1, %[[F]]#2 : tensor<16x8xf32>, tensor<16x8xf32>) outs({{.+}} : tensor<8xf32>, tensor<8xf32>)
// CHECK:      %[[DXR:.+]] = tensor.collapse_shape %[[F]]#0 {{\[}}[0, 1], [2]] : tensor<16x16x8xf32> into tensor<256x8xf32>
// CHECK:      %[[DX:.+]] = tensor.expand_shape %[[DXR]] {{\[}}[0, 1], [2]] output_shape [64, 4, 8]
// CHECK:      return %[[DX]], %[[P]]#0, %[[P]]#1
func.func @layer_norm_grad(%dy: tensor<64x4x8xf32>, %x: tensor<64x4x8xf32>, %g: tensor<8xf32>) -> (tensor<64x4x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0:3 = nn.layer_norm_grad %dy, %x, %g : (tensor<64x4x8xf32>, tensor<64x4x8xf32>, tensor<8xf32>) -> (tensor<64x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %0#0, %0#1, %0#2 : tensor<64x4x8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// rms_norm: one row reduction of x^2, then x rstd gamma.
// CHECK-LABEL: func.func @rms_norm
// CHECK:      %[[SQ:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<4x8xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK:      %[[RSTD:.+]] = linalg.generic {{.+}} ins(%[[SQ]] : tensor<4xf32>)
// CHECK:        arith.constant 9.99999997E-7 : f32
// CHECK:      linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%arg0, %[[RSTD]], %arg1 :
// CHECK-NOT:  linalg.generic
func.func @rms_norm(%x: tensor<4x8xf32>, %g: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = nn.rms_norm %x, %g : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// rms_norm_grad on 64 rows: rstd, sum(g xhat) per row, then dx with the
// partial dgamma of 4 blocks of 16 rows in one pass, then their sum.
// CHECK-LABEL: func.func @rms_norm_grad
// CHECK:      %[[RSTD:.+]] = linalg.generic {{.+}} iterator_types = ["parallel"]}
// CHECK:      %[[GX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%arg0, %arg1, %[[RSTD]], %arg2 :
// CHECK:      %[[F:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "parallel"]} ins({{.+}} : tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x16xf32>, tensor<4x16xf32>, tensor<8xf32>) outs({{.+}} : tensor<4x16x8xf32>, tensor<4x8xf32>)
// CHECK:      %[[DG:.+]] = linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]} ins(%[[F]]#1 : tensor<4x8xf32>)
// CHECK:      %[[DX:.+]] = tensor.collapse_shape %[[F]]#0
// CHECK:      return %[[DX]], %[[DG]]
func.func @rms_norm_grad(%dy: tensor<64x8xf32>, %x: tensor<64x8xf32>, %g: tensor<8xf32>) -> (tensor<64x8xf32>, tensor<8xf32>) {
  %0:2 = nn.rms_norm_grad %dy, %x, %g : (tensor<64x8xf32>, tensor<64x8xf32>, tensor<8xf32>) -> (tensor<64x8xf32>, tensor<8xf32>)
  return %0#0, %0#1 : tensor<64x8xf32>, tensor<8xf32>
}

// -----

// A rank-1 input is a single row: the statistics are 0-d tensors.
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @layer_norm_rank1
// CHECK:      linalg.generic {indexing_maps = [#{{.+}}, #[[SCALAR]]], iterator_types = ["reduction"]} ins(%arg0 : tensor<8xf32>) outs(%{{.+}} : tensor<f32>)
func.func @layer_norm_rank1(%x: tensor<8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<8xf32> {
  %0 = nn.layer_norm %x, %g, %b : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// gelu (erf): 0.5 x (1 + erf(x / sqrt 2)); tanh form: 0.5 x (1 + tanh(...)).
// CHECK-LABEL: func.func @gelu
// CHECK:      linalg.generic
// CHECK:        arith.constant 0.707106769 : f32
// CHECK:        math.erf
// CHECK:      linalg.generic
// CHECK:        arith.constant 4.471500e-02 : f32
// CHECK:        arith.constant 0.797884583 : f32
// CHECK:        math.tanh
func.func @gelu(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = nn.gelu %x : tensor<4x8xf32>
  %1 = nn.gelu %x {approximate = "tanh"} : tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// gelu_grad (erf) uses the normal density exp(-x^2 / 2) / sqrt(2 pi).
// CHECK-LABEL: func.func @gelu_grad
// CHECK:      linalg.generic {{.+}} ins(%arg0, %arg1 :
// CHECK:        math.erf
// CHECK:        arith.constant -5.000000e-01 : f32
// CHECK:        math.exp
// CHECK:        arith.constant 0.398942292 : f32
// CHECK:      linalg.generic {{.+}} ins(%arg0, %arg1 :
// CHECK:        math.tanh
// CHECK:        arith.constant 0.134144992 : f32
func.func @gelu_grad(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = nn.gelu_grad %dy, %x : tensor<4x8xf32>
  %1 = nn.gelu_grad %dy, %x {approximate = "tanh"} : tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// silu: x / (1 + exp(-x)) and its gradient from the input; scale: x * c.
// CHECK-LABEL: func.func @silu_scale
// CHECK:      linalg.generic {{.+}} ins(%arg0 :
// CHECK:        arith.negf
// CHECK:        math.exp
// CHECK:      linalg.generic {{.+}} ins(%arg1, %arg0 :
// CHECK:        math.exp
// CHECK:      linalg.generic {{.+}} ins(%arg0 :
// CHECK:        %[[C:.+]] = arith.constant 1.250000e-01 : f32
// CHECK:        arith.mulf %{{.+}}, %[[C]] fastmath<reassoc,contract>
func.func @silu_scale(%x: tensor<4x8xf32>, %dy: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = nn.silu %x : tensor<4x8xf32>
  %1 = nn.silu_grad %dy, %x : tensor<4x8xf32>
  %2 = nn.scale %x {factor = 0.125 : f32} : tensor<4x8xf32>
  return %0, %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// causal_mask on [B, H, T, T]: key index (last loop) <= query index (the one
// before) keeps the score, else -inf; the gradient selects 0 instead.
// CHECK-LABEL: func.func @causal_mask
// CHECK:      linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK:        %[[I:.+]] = linalg.index 2 : index
// CHECK:        %[[J:.+]] = linalg.index 3 : index
// CHECK:        %[[KEEP:.+]] = arith.cmpi ule, %[[J]], %[[I]] : index
// CHECK:        %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:        arith.select %[[KEEP]], %{{.+}}, %[[NEGINF]] : f32
// CHECK:      linalg.generic
// CHECK:        arith.cmpi ule
// CHECK:        %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:        arith.select %{{.+}}, %{{.+}}, %[[ZERO]] : f32
func.func @causal_mask(%s: tensor<2x3x4x4xf32>, %ds: tensor<2x3x4x4xf32>) -> (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>) {
  %0 = nn.causal_mask %s : tensor<2x3x4x4xf32>
  %1 = nn.causal_mask_grad %ds : tensor<2x3x4x4xf32>
  return %0, %1 : tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>
}

// -----

// dropout: the step comes from hyper[7]; the per-step keys are computed once
// outside the loop; each element hashes its row-major linear index and keeps
// its value, scaled by 1 / (1 - rate), iff the hash >= rate * 2^32. The
// backward builds the same keys and mask. rate = 0 is the identity.
// CHECK-LABEL: func.func @dropout
// CHECK:      %[[C7:.+]] = arith.constant 7 : index
// CHECK:      %[[STEPF:.+]] = tensor.extract %arg2[%[[C7]]] : tensor<16xf32>
// CHECK:      %[[STEP:.+]] = arith.fptoui %[[STEPF]] : f32 to i32
// CHECK:      %[[S0:.+]] = arith.constant [[SEED:[0-9-]+]] : i32
// CHECK:      arith.xori %[[STEP]], %[[S0]] : i32
// CHECK:      linalg.generic {{.+}} ins(%arg0 : tensor<2x4x8xf32>)
// CHECK:        linalg.index 0 : index
// CHECK:        linalg.index 1 : index
// CHECK:        linalg.index 2 : index
// CHECK:        %[[T:.+]] = arith.constant 1073741824 : i32
// CHECK:        %[[KEEP:.+]] = arith.cmpi uge, %{{.+}}, %[[T]] : i32
// CHECK:        %[[SCALE:.+]] = arith.constant 1.33333337 : f32
// CHECK:        %[[SCALED:.+]] = arith.mulf %{{.+}}, %[[SCALE]]
// CHECK:        arith.select %[[KEEP]], %[[SCALED]], %{{.+}} : f32
// CHECK:      tensor.extract %arg2[%{{.+}}] : tensor<16xf32>
// CHECK:      arith.constant [[SEED]] : i32
// CHECK:      linalg.generic {{.+}} ins(%arg1 : tensor<2x4x8xf32>)
// CHECK:        arith.constant 1073741824 : i32
// CHECK:      return %{{.+}}, %{{.+}}, %arg0, %arg1
func.func @dropout(%x: tensor<2x4x8xf32>, %dy: tensor<2x4x8xf32>, %h: tensor<16xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  %0 = nn.dropout %x, %h {rate = 0.25 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  %1 = nn.dropout_grad %dy, %h {rate = 0.25 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  %2 = nn.dropout %x, %h {rate = 0.0 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  %3 = nn.dropout_grad %dy, %h {rate = 0.0 : f32, seed = 7 : i64} : tensor<2x4x8xf32>, tensor<16xf32>
  return %0, %1, %2, %3 : tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>
}
