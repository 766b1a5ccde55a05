// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions=k-unroll=1 --canonicalize --cse | FileCheck %s
// Causal products (myelin.causal): the register tiles and k steps they skip,
// and the work they report (tests/lit/e2e/contraction-kernels.mlir checks
// their results bit for bit).

// "n_le_m", 64 x 64 scores in blocks of 32 rows x 1 panel: each row of
// 8-row tiles computes the panels that start at or before its last row,
// ceil((m0 + 8t + 8 - n0) / 32) clamped to [0, 1], and stores zeros to the
// others. Work: 8 x 16 x (4 x 32 + 4 x 64) = 49152 of the dense 65536.
// CHECK-LABEL: func.func @scores
// CHECK:       scf.for %[[T:.+]] = %c0 to %c4 step %c1 {
// CHECK:         %[[TR:.+]] = arith.muli %[[T]], %c8
// CHECK:         %[[MT:.+]] = arith.addi %[[M0:.+]], %[[TR]]
// CHECK:         %[[LAST:.+]] = arith.addi %[[MT]], %c39
// CHECK:         %[[AHEAD:.+]] = arith.subi %[[LAST]], %[[N0:.+]] : index
// CHECK:         %[[POS:.+]] = arith.maxsi %[[AHEAD]], %c0
// CHECK:         %[[CEIL:.+]] = arith.divui %[[POS]], %c32
// CHECK:         %[[PEND:.+]] = arith.minsi %[[CEIL]], %c1
// CHECK:         scf.for %{{.+}} = %c0 to %[[PEND]] step %c1 {
// CHECK:           scf.for %{{.+}} = %c0 to %c16 step %c1 iter_args(
// CHECK:         scf.for %[[P:.+]] = %[[PEND]] to %c1 step %c1 {
// CHECK-COUNT-16:  vector.store %cst, %arg2
// CHECK:       } {myelin.work = 49152 : i64}
func.func @scores(%a: memref<64x16xf32>, %b: memref<64x16xf32>, %c: memref<64x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x16xf32>, memref<64x16xf32>) outs(%c : memref<64x64xf32>) attrs = {myelin.causal = "n_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// "k_le_m", P v with P [64, 64] zero where k > m: the k loop of the tile at
// row mt runs to min(mt + 8, 64). Work: 8 x 32 x 8 x (1 + .. + 8) = 73728
// of the dense 131072.
// CHECK-LABEL: func.func @pv
// CHECK:       scf.for %[[T:.+]] = %c0 to %c4 step %c1 {
// CHECK:         %[[TR:.+]] = arith.muli %[[T]], %c8
// CHECK:         %[[MT:.+]] = arith.addi %{{.+}}, %[[TR]]
// CHECK:         %[[END:.+]] = arith.addi %[[MT]], %c8
// CHECK:         %[[POS:.+]] = arith.maxsi %[[END]], %c0
// CHECK:         %[[KHI:.+]] = arith.minsi %[[POS]], %c64
// CHECK:         scf.for %{{.+}} = %c0 to %[[KHI]] step %c1 iter_args(
// CHECK:       } {myelin.work = 73728 : i64}
func.func @pv(%a: memref<64x64xf32>, %b: memref<64x32xf32>, %c: memref<64x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<64x64xf32>, memref<64x32xf32>) outs(%c : memref<64x32xf32>) attrs = {myelin.causal = "k_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// "k_ge_m", P^T dY with P [64, 64] zero above its diagonal (A[m, k] =
// P[k, m] is zero where k < m): the k loop of the tile at row mt starts at
// mt. Work: 8 x 32 x 8 x (8 + .. + 1) = 73728 of the dense 131072.
// CHECK-LABEL: func.func @ptdy
// CHECK:       %[[POS:.+]] = arith.maxsi %{{.+}}, %c0
// CHECK-NEXT:  %[[KLO:.+]] = arith.minsi %[[POS]], %c64
// CHECK:         scf.for %{{.+}} = %[[KLO]] to %c64 step %c1 iter_args(
// CHECK:       } {myelin.work = 73728 : i64}
func.func @ptdy(%a: memref<64x64xf32>, %b: memref<64x32xf32>, %c: memref<64x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (k, m)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<64x64xf32>, memref<64x32xf32>) outs(%c : memref<64x32xf32>) attrs = {myelin.causal = "k_ge_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An elementwise consumer of an "n_le_m" product becomes its epilogue; the
// tiles the product skips get the epilogue's outputs for zero accumulators
// (here folded to zeros, into C and into the output), as the separate op
// would have computed from the zeros in C.
// CHECK-LABEL: func.func @scores_consumer
// CHECK-NOT:   linalg.generic
// CHECK:       %[[Y:.+]] = arith.mulf %{{.+}}, %cst_0 : vector<16xf32>
// CHECK:       vector.store %[[Y]], %arg3
// CHECK:       scf.for %{{.+}} = %{{.+}} to %c1 step %c1 {
// CHECK:         vector.store %cst, %arg2
// CHECK-NEXT:    vector.store %cst, %arg3
// CHECK:       myelin.work = 49152
// CHECK-NOT:   linalg.generic
func.func @scores_consumer(%a: memref<64x16xf32> {llvm.noalias}, %b: memref<64x16xf32> {llvm.noalias}, %c: memref<64x64xf32> {llvm.noalias}, %d: memref<64x64xf32> {llvm.noalias}) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x16xf32>, memref<64x16xf32>) outs(%c : memref<64x64xf32>) attrs = {myelin.causal = "n_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x64xf32>) outs(%d : memref<64x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %cst = arith.constant 0.125 : f32
    %y = arith.mulf %x, %cst : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// The attention scores' causal mask as the epilogue (in place in C): the
// select on the iteration indices becomes a vector select on C's row
// (splat) against its column (C's column + 0..15), and the tiles wholly
// above the diagonal get the epilogue of zero accumulators (all lanes
// masked: -inf) without multiply-adds.
// CHECK-LABEL: func.func @masked_scores
// CHECK-DAG:   %[[NINF:.+]] = arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK-DAG:   %[[IOTA:.+]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : vector<16xindex>
// CHECK:       scf.for
// CHECK:         %[[ROW:.+]] = vector.broadcast %{{.+}} : index to vector<16xindex>
// CHECK:         %[[COL0:.+]] = vector.broadcast %{{.+}} : index to vector<16xindex>
// CHECK:         %[[COL:.+]] = arith.addi %[[COL0]], %[[IOTA]] : vector<16xindex>
// CHECK:         %[[VIS:.+]] = arith.cmpi ule, %[[COL]], %[[ROW]] : vector<16xindex>
// CHECK:         %[[V:.+]] = arith.select %[[VIS]], %{{.+}}, %[[NINF]] : vector<16xi1>, vector<16xf32>
// CHECK:         vector.store %[[V]], %arg2
// CHECK:       scf.for %{{.+}} = %{{.+}} to %c1 step %c1 {
// CHECK-NOT:     vector.fma
// CHECK:         %[[VIS0:.+]] = arith.cmpi ule
// CHECK:         %[[Z:.+]] = arith.select %[[VIS0]], %{{.+}}, %[[NINF]] : vector<16xi1>, vector<16xf32>
// CHECK:         vector.store %[[Z]], %arg2
// CHECK-NOT:   linalg.generic
func.func @masked_scores(%a: memref<64x16xf32> {llvm.noalias}, %b: memref<64x16xf32> {llvm.noalias}, %c: memref<64x64xf32> {llvm.noalias}) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x16xf32>, memref<64x16xf32>) outs(%c : memref<64x64xf32>) attrs = {myelin.causal = "n_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %ninf = arith.constant 0xFF800000 : f32
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %visible = arith.cmpi ule, %j, %i : index
    %y = arith.select %visible, %x, %ninf : f32
    linalg.yield %y : f32
  }
  return
}
