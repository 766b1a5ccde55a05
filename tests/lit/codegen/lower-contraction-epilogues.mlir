// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions --canonicalize --cse | FileCheck %s
// myelin-approximate-math then expands the epilogue's vector tanh too.
// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions --myelin-approximate-math | FileCheck %s --check-prefix=APPROX

// The elementwise op right after a product becomes its epilogue: with two k
// blocks (K = 300), the last one (kb = 256) applies tanh(C) * C to the
// accumulators as vector ops and stores both C (still an output) and D;
// the first stores C only. The 8-column tail applies it under the mask.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
// CHECK-LABEL: func.func @activation
// CHECK-NOT:   linalg.generic
// CHECK:         %[[LAST:.+]] = arith.cmpi eq, %{{.+}}, %c256
// CHECK:         vector.fma
// CHECK:         scf.if %[[LAST]] {
// CHECK:           %[[T:.+]] = math.tanh %[[ACC:.+]] : vector<16xf32>
// CHECK:           %[[Y:.+]] = arith.mulf %[[ACC]], %[[T]] : vector<16xf32>
// CHECK:           vector.store %[[ACC]], %arg2
// CHECK:           vector.store %[[Y]], %arg3
// CHECK:         } else {
// CHECK-NOT:       math.tanh
// CHECK-NOT:       %arg3
// CHECK:           vector.store %{{.+}}, %arg2
// CHECK:         }
// CHECK:         vector.fma
// CHECK:         scf.if
// CHECK:           math.tanh %{{.+}} : vector<16xf32>
// CHECK:           vector.maskedstore %arg2
// CHECK:           vector.maskedstore %arg3
// CHECK-NOT:   linalg.generic
// APPROX-LABEL: func.func @activation
// APPROX-NOT:   math.tanh
// APPROX:       arith.select %{{.+}} : vector<16xi1>, vector<16xf32>
// APPROX-NOT:   math.tanh
// APPROX-LABEL: func.func @in_place
func.func @activation(%x: memref<16x300xf32> {llvm.noalias}, %w: memref<300x40xf32> {llvm.noalias}, %c0: memref<16x40xf32> {llvm.noalias}, %d: memref<16x40xf32> {llvm.noalias}) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<16x300xf32>, memref<300x40xf32>) outs(%c0 : memref<16x40xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%c0 : memref<16x40xf32>) outs(%d : memref<16x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    %y = arith.mulf %in, %t : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// A derivative written into C (a backward whose dH dies in the epilogue),
// with a second input loaded per tile and a captured scalar splatted; one
// k block, so no branch. The operands were collapsed to one dimension
// (myelin-collapse-dims): they are viewed with C's shape again. C is stored
// once, with the epilogue's result.
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(i) -> (i)>
// CHECK-LABEL: func.func @in_place
// CHECK-DAG:   %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG:   %[[DH:.+]] = memref.collapse_shape %arg2 {{\[\[}}0, 1], [2]] : memref<2x8x32xf32> into memref<16x32xf32>
// CHECK-DAG:   %[[PRE:.+]] = memref.collapse_shape %arg3 {{\[\[}}0, 1], [2]] : memref<2x8x32xf32> into memref<16x32xf32>
// CHECK-NOT:   scf.if
// CHECK:       %[[P:.+]] = vector.load %[[PRE]]
// CHECK:       %[[POS:.+]] = arith.cmpf ogt, %[[P]], %[[ZERO]] : vector<16xf32>
// CHECK:       %[[G:.+]] = arith.select %[[POS]], %{{.+}}, %[[ZERO]] : vector<16xi1>, vector<16xf32>
// CHECK:       vector.store %[[G]], %[[DH]]
// The accumulators themselves (the k loop's results) are never stored.
// CHECK-NOT:   vector.store %{{[0-9]+}}#{{[0-9]+}}, %[[DH]]
// CHECK-NOT:   linalg.generic
func.func @in_place(%dy: memref<16x8xf32> {llvm.noalias}, %w: memref<32x8xf32> {llvm.noalias}, %dh: memref<2x8x32xf32> {llvm.noalias}, %pre: memref<2x8x32xf32> {llvm.noalias}) {
  %zero = arith.constant 0.0 : f32
  %dh2 = memref.collapse_shape %dh [[0, 1], [2]] : memref<2x8x32xf32> into memref<16x32xf32>
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%dy, %w : memref<16x8xf32>, memref<32x8xf32>) outs(%dh2 : memref<16x32xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  }
  %dh1 = memref.collapse_shape %dh [[0, 1, 2]] : memref<2x8x32xf32> into memref<512xf32>
  %pre1 = memref.collapse_shape %pre [[0, 1, 2]] : memref<2x8x32xf32> into memref<512xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%dh1, %pre1 : memref<512xf32>, memref<512xf32>) outs(%dh1 : memref<512xf32>) {
  ^bb0(%g: f32, %x: f32, %out: f32):
    %pos = arith.cmpf ogt, %x, %zero : f32
    %d = arith.select %pos, %g, %zero : f32
    linalg.yield %d : f32
  }
  return
}

// -----

// Not epilogues: another op between the product and the consumer; a
// consumer reading C transposed; an output not known to be apart from the
// product's operands (arguments without llvm.noalias).
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#tr = affine_map<(m, n) -> (n, m)>
// CHECK-LABEL: func.func @op_between
// CHECK:       vector.fma
// CHECK-NOT:   math.tanh {{.*}}vector
// CHECK:       memref.copy
// CHECK:       linalg.generic
// CHECK:         math.tanh %{{.+}} : f32
func.func @op_between(%x: memref<16x16xf32> {llvm.noalias}, %w: memref<16x16xf32> {llvm.noalias}, %c0: memref<16x16xf32> {llvm.noalias}, %d: memref<16x16xf32> {llvm.noalias}) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<16x16xf32>, memref<16x16xf32>) outs(%c0 : memref<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  }
  memref.copy %d, %c0 : memref<16x16xf32> to memref<16x16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%c0 : memref<16x16xf32>) outs(%d : memref<16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  }
  return
}

// CHECK-LABEL: func.func @transposed
// CHECK:       vector.fma
// CHECK-NOT:   math.tanh {{.*}}vector
// CHECK:       linalg.generic
// CHECK:         math.tanh %{{.+}} : f32
func.func @transposed(%x: memref<16x16xf32> {llvm.noalias}, %w: memref<16x16xf32> {llvm.noalias}, %c0: memref<16x16xf32> {llvm.noalias}, %d: memref<16x16xf32> {llvm.noalias}) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<16x16xf32>, memref<16x16xf32>) outs(%c0 : memref<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]} ins(%c0 : memref<16x16xf32>) outs(%d : memref<16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  }
  return
}

// CHECK-LABEL: func.func @may_alias
// CHECK:       vector.fma
// CHECK-NOT:   math.tanh {{.*}}vector
// CHECK:       linalg.generic
// CHECK:         math.tanh %{{.+}} : f32
func.func @may_alias(%x: memref<16x16xf32>, %w: memref<16x16xf32>, %c0: memref<16x16xf32>, %d: memref<16x16xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<16x16xf32>, memref<16x16xf32>) outs(%c0 : memref<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%c0 : memref<16x16xf32>) outs(%d : memref<16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  }
  return
}
