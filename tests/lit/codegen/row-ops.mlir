// RUN: myelin-opt %s --split-input-file --myelin-lower-to-linalg --canonicalize --myelin-fuse-elementwise --canonicalize --cse | FileCheck %s
// The passes over memory of the row ops after the linalg phase of the
// training pipeline (lowering, elementwise fusion, CSE): each CHECK'd generic
// is one pass over its operands.

// Attention probabilities: the scale and the causal mask fuse into one
// elementwise pass that stores the masked scores, then the softmax passes
// read them: row max, e = exp(x - max) stored with its row sum, and the
// normalization of e (one exp per element). (Recomputing the mask inside
// the softmax passes instead removes the store but measured slower: the sum
// and normalize passes ran 2.5x longer.)
// CHECK-LABEL: func.func @attention_probs
// CHECK:      %[[M:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0 : tensor<2x2x4x4xf32>)
// CHECK:        arith.mulf
// CHECK:        arith.select
// CHECK:      %[[MAX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[M]] :
// CHECK:        arith.maximumf
// CHECK:      %[[ES:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[M]], %[[MAX]] :
// CHECK:        math.exp
// CHECK:      %[[P:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[ES]]#0, %[[ES]]#1 :
// CHECK-NOT:    math.exp
// CHECK:        %[[RECIP:.+]] = arith.divf %{{.+}}, %{{.+}} fastmath
// CHECK-NOT:    math.exp
// CHECK:        arith.mulf %{{.+}}, %[[RECIP]]
// CHECK-NOT:  linalg.generic
// CHECK:      return %[[P]]
func.func @attention_probs(%s: tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32> {
  %0 = nn.scale %s {factor = 1.250000e-01 : f32} : tensor<2x2x4x4xf32>
  %1 = nn.causal_mask %0 : tensor<2x2x4x4xf32>
  %2 = nn.softmax %1 : tensor<2x2x4x4xf32>
  return %2 : tensor<2x2x4x4xf32>
}

// -----

// layer_norm and its gradient on the same input: the backward's statistics
// are the forward's (row sum, row sum of squared deviations, per-row mean
// and rstd); the backward's row sums of g and g xhat are two vectorizable
// single-result passes, then one pass over blocks of rows yields dx and the
// partial dgamma/dbeta (2 blocks of 16 rows here), then their sum.
// CHECK-LABEL: func.func @layer_norm_step
// CHECK:      %[[SUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 :
// CHECK:      %[[SQ:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[SUM]] :
// CHECK:      %[[STATS:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%[[SUM]], %[[SQ]] :
// CHECK:      %[[Y:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %[[STATS]]#0, %[[STATS]]#1, %arg1, %arg2 :
// CHECK:      %[[G:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg3, %arg1 :
// CHECK:      %[[GX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg3, %arg0, %[[STATS]]#0, %[[STATS]]#1, %arg1 :
// CHECK:      %[[F:.+]]:3 = linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "parallel"]} ins({{.+}} : tensor<2x16x8xf32>, tensor<2x16x8xf32>, tensor<2x16xf32>, tensor<2x16xf32>, tensor<2x16xf32>, tensor<2x16xf32>, tensor<8xf32>)
// CHECK:      %[[P:.+]]:2 = linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]} ins(%[[F]]#1, %[[F]]#2 :
// CHECK-NOT:  linalg.generic
// CHECK:      %[[DX:.+]] = tensor.expand_shape
// CHECK:      return %[[Y]], %[[DX]], %[[P]]#0, %[[P]]#1
func.func @layer_norm_step(%x: tensor<4x8x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %dy: tensor<4x8x8xf32>) -> (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %y = nn.layer_norm %x, %g, %b : (tensor<4x8x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8x8xf32>
  %0:3 = nn.layer_norm_grad %dy, %x, %g : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<8xf32>) -> (tensor<4x8x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %y, %0#0, %0#1, %0#2 : tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Cross-entropy over [B, T, V] logits and its gradient: three row passes in
// the forward (max, sum of exp, the label's logit), whose max and sum the
// backward shares; the backward is one elementwise pass.
// CHECK-LABEL: func.func @cross_entropy_step
// CHECK:      %[[MAX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<2x8x16xf32>)
// CHECK:      %[[SUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[MAX]] :
// CHECK:      %[[PICK:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %arg1 :
// CHECK:      %[[LOSS:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%[[MAX]], %[[SUM]], %[[PICK]] :
// CHECK:      %[[D:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %[[MAX]], %[[SUM]], %arg1, %arg2 :
// CHECK-NOT:  linalg.generic
// CHECK:      return %[[LOSS]], %[[D]]
func.func @cross_entropy_step(%l: tensor<2x8x16xf32>, %y: tensor<2x8xi32>, %dl: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8x16xf32>) {
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8xf32>
  %1 = nn.softmax_cross_entropy_grad %dl, %l, %y : (tensor<2x8xf32>, tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8x16xf32>
  return %0, %1 : tensor<2x8xf32>, tensor<2x8x16xf32>
}
