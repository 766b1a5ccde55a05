// RUN: myelin-opt %s --split-input-file --myelin-fuse-elementwise | FileCheck %s

// An activation chain fuses into one generic.
#id = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: linalg.generic
// CHECK:         math.tanh
// CHECK:         arith.mulf
// CHECK-NOT:     linalg.generic
func.func @chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %e2 = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<4x8xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// -----

// tanh(h) feeding the A operand of a matrix product is not fused: the product
// would evaluate it once per output column.
#id = affine_map<(i, j) -> (i, j)>
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @no_recompute
// CHECK:       %[[T:.+]] = linalg.generic
// CHECK:         math.tanh
// CHECK:       linalg.generic {{.*}} ins(%[[T]], %arg1
// CHECK-NOT:     math.tanh
// CHECK:       return
func.func @no_recompute(%h: tensor<4x8xf32>, %w: tensor<8x16xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %p = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%t, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%acc : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %p : tensor<4x16xf32>
}

// -----

// Attention's head split: q and k transposed from [b, t, h, d] to
// [b, h, t, d] feed the scores product, k also a second product. The
// products read q and k in place through the composed maps, so both copies
// are gone; a transpose that computes (here a negation) stays a producer.
#qt = affine_map<(b, h, t, d) -> (b, t, h, d)>
#id4 = affine_map<(b, h, t, d) -> (b, h, t, d)>
#sa = affine_map<(b, h, i, j, d) -> (b, h, i, d)>
#sb = affine_map<(b, h, i, j, d) -> (b, h, j, d)>
#sc = affine_map<(b, h, i, j, d) -> (b, h, i, j)>
// CHECK-DAG:   #[[QMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d4)>
// CHECK-DAG:   #[[KMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d1, d4)>
// CHECK-LABEL: func.func @head_split
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x8x3x4xf32>, %[[K:.+]]: tensor<2x8x3x4xf32>)
// CHECK:       %[[NEG:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[Q]] :
// CHECK:         arith.negf
// CHECK:       linalg.generic {indexing_maps = [#[[QMAP]], #[[KMAP]], {{.*}}]
// CHECK-SAME:    ins(%[[Q]], %[[K]] :
// CHECK:       linalg.generic {indexing_maps = [{{.*}}, #[[KMAP]], {{.*}}]
// CHECK-SAME:    ins(%[[NEG]], %[[K]] :
// CHECK-NOT:   linalg.generic
func.func @head_split(%q: tensor<2x8x3x4xf32>, %k: tensor<2x8x3x4xf32>) -> (tensor<2x3x8x8xf32>, tensor<2x3x8x8xf32>) {
  %e = tensor.empty() : tensor<2x3x8x4xf32>
  %qt = linalg.generic {indexing_maps = [#qt, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%q : tensor<2x8x3x4xf32>) outs(%e : tensor<2x3x8x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x3x8x4xf32>
  %kt = linalg.generic {indexing_maps = [#qt, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%k : tensor<2x8x3x4xf32>) outs(%e : tensor<2x3x8x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x3x8x4xf32>
  %neg = linalg.generic {indexing_maps = [#qt, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%q : tensor<2x8x3x4xf32>) outs(%e : tensor<2x3x8x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<2x3x8x4xf32>
  %zero = arith.constant 0.0 : f32
  %se = tensor.empty() : tensor<2x3x8x8xf32>
  %sz = linalg.fill ins(%zero : f32) outs(%se : tensor<2x3x8x8xf32>) -> tensor<2x3x8x8xf32>
  %s = linalg.generic {indexing_maps = [#sa, #sb, #sc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%qt, %kt : tensor<2x3x8x4xf32>, tensor<2x3x8x4xf32>) outs(%sz : tensor<2x3x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %c, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x3x8x8xf32>
  %s2 = linalg.generic {indexing_maps = [#sa, #sb, #sc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%neg, %kt : tensor<2x3x8x4xf32>, tensor<2x3x8x4xf32>) outs(%sz : tensor<2x3x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %c, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x3x8x8xf32>
  return %s, %s2 : tensor<2x3x8x8xf32>, tensor<2x3x8x8xf32>
}

// -----

// Attention's head merge: P v [b, h, t, d] transposed back to [b, t, h, d].
// The product writes that layout itself (output map composed with the
// permutation), from a zero fill of the copy's destination; the copy goes.
#pa = affine_map<(b, h, i, j, d) -> (b, h, i, j)>
#pb = affine_map<(b, h, i, j, d) -> (b, h, j, d)>
#pc = affine_map<(b, h, i, j, d) -> (b, h, i, d)>
#merge = affine_map<(b, t, h, d) -> (b, h, t, d)>
#id4 = affine_map<(b, t, h, d) -> (b, t, h, d)>
// CHECK-DAG:   #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d4)>
// CHECK-LABEL: func.func @head_merge
// CHECK:       %[[E:.+]] = tensor.empty() : tensor<2x8x3x4xf32>
// CHECK:       %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<2x8x3x4xf32>)
// CHECK:       %[[R:.+]] = linalg.generic {indexing_maps = [{{.*}}, {{.*}}, #[[OUT]]]
// CHECK-SAME:    outs(%[[Z]] : tensor<2x8x3x4xf32>)
// CHECK:       return %[[R]]
func.func @head_merge(%p: tensor<2x3x8x8xf32>, %v: tensor<2x3x8x4xf32>) -> tensor<2x8x3x4xf32> {
  %zero = arith.constant 0.0 : f32
  %oe = tensor.empty() : tensor<2x3x8x4xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<2x3x8x4xf32>) -> tensor<2x3x8x4xf32>
  %o = linalg.generic {indexing_maps = [#pa, #pb, #pc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%p, %v : tensor<2x3x8x8xf32>, tensor<2x3x8x4xf32>) outs(%oz : tensor<2x3x8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x3x8x4xf32>
  %me = tensor.empty() : tensor<2x8x3x4xf32>
  %merged = linalg.generic {indexing_maps = [#merge, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%o : tensor<2x3x8x4xf32>) outs(%me : tensor<2x8x3x4xf32>) {
  ^bb0(%a: f32, %x: f32):
    linalg.yield %a : f32
  } -> tensor<2x8x3x4xf32>
  return %merged : tensor<2x8x3x4xf32>
}

// -----

// The same merge when the copy also scales (attention's backward: dQ = dS k
// times 1/sqrt(d), the scale moved onto the product by canonicalization and
// fused into the transpose): the product still writes [b, t, h, d] itself,
// and the scale stays as an elementwise op on its result in that layout,
// an epilogue for myelin-group-epilogues.
#sa = affine_map<(b, h, i, j, d) -> (b, h, i, j)>
#sb = affine_map<(b, h, i, j, d) -> (b, h, j, d)>
#sc = affine_map<(b, h, i, j, d) -> (b, h, i, d)>
#smerge = affine_map<(b, t, h, d) -> (b, h, t, d)>
#sid4 = affine_map<(b, t, h, d) -> (b, t, h, d)>
// CHECK-DAG:   #[[SOUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d4)>
// CHECK-DAG:   #[[SID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @scaled_head_merge
// CHECK:       %[[ME:.+]] = tensor.empty() : tensor<2x8x3x4xf32>
// CHECK-NEXT:  %[[E:.+]] = tensor.empty() : tensor<2x8x3x4xf32>
// CHECK:       %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<2x8x3x4xf32>)
// CHECK:       %[[R:.+]] = linalg.generic {indexing_maps = [{{.*}}, {{.*}}, #[[SOUT]]]
// CHECK-SAME:    outs(%[[Z]] : tensor<2x8x3x4xf32>)
// CHECK:       %[[S:.+]] = linalg.generic {indexing_maps = [#[[SID]], #[[SID]]]
// CHECK-SAME:    ins(%[[R]] : tensor<2x8x3x4xf32>) outs(%[[ME]] : tensor<2x8x3x4xf32>)
// CHECK:       arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK:       return %[[S]]
func.func @scaled_head_merge(%p: tensor<2x3x8x8xf32>, %v: tensor<2x3x8x4xf32>) -> tensor<2x8x3x4xf32> {
  %zero = arith.constant 0.0 : f32
  %eighth = arith.constant 0.125 : f32
  %oe = tensor.empty() : tensor<2x3x8x4xf32>
  %oz = linalg.fill ins(%zero : f32) outs(%oe : tensor<2x3x8x4xf32>) -> tensor<2x3x8x4xf32>
  %o = linalg.generic {indexing_maps = [#sa, #sb, #sc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%p, %v : tensor<2x3x8x8xf32>, tensor<2x3x8x4xf32>) outs(%oz : tensor<2x3x8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x3x8x4xf32>
  %me = tensor.empty() : tensor<2x8x3x4xf32>
  %merged = linalg.generic {indexing_maps = [#smerge, #sid4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%o : tensor<2x3x8x4xf32>) outs(%me : tensor<2x8x3x4xf32>) {
  ^bb0(%a: f32, %x: f32):
    %s = arith.mulf %a, %eighth : f32
    linalg.yield %s : f32
  } -> tensor<2x8x3x4xf32>
  return %merged : tensor<2x8x3x4xf32>
}
