// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions --cse | FileCheck %s
// RUN: not myelin-opt %s --split-input-file --myelin-lower-contractions=rows=15 2>&1 | FileCheck %s --check-prefix=ROWS

// ROWS: rows must be in [1, 14]

#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// 20 x 40 output: one full 32-column panel (threaded, work = 20*6*32), a
// masked tail of 8 columns; two full 8-row tiles and a 4-row tile.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT:   linalg.generic
// CHECK:       scf.parallel ({{.*}}) = (%c0) to (%c1) step (%c1)
// CHECK:         %[[N0:.+]] = arith.muli {{.*}}, %c32
// CHECK:         scf.for %[[M0:.+]] = %c0 to %{{.+}} step %c8
// CHECK-COUNT-16:  vector.load %arg2{{.*}} vector<16xf32>
// CHECK:           scf.for %[[K:.+]] = %c0 to %c6{{.*}} step %c1 iter_args(
// CHECK-COUNT-2:     vector.load %arg1[%[[K]], {{.*}}] : memref<6x40xf32>, vector<16xf32>
// CHECK:             %[[A:.+]] = memref.load %arg0[%[[M0]], %[[K]]]
// CHECK:             %[[S:.+]] = vector.broadcast %[[A]] : f32 to vector<16xf32>
// CHECK:             vector.fma %[[S]]
// CHECK:             vector.fma %[[S]]
// CHECK:           scf.yield
// CHECK-COUNT-16:  vector.store
// CHECK:         } {myelin.work = 3840 : i64}
// The 8-column tail: masked loads and stores, second vector absent.
// CHECK:       arith.constant dense<[true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false]> : vector<16xi1>
// CHECK:       vector.maskedload %arg2
// CHECK:       vector.maskedstore %arg2
func.func @matmul(%a: memref<20x6xf32>, %b: memref<6x40xf32>, %c: memref<20x40xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<20x6xf32>, memref<6x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A * B^T: B is copied into row-major order first and freed after.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @transposed_rhs
// CHECK:       %[[T:.+]] = memref.alloc() {alignment = 64 : i64} : memref<8x32xf32>
// CHECK:       linalg.transpose ins(%arg1 : memref<32x8xf32>) outs(%[[T]] : memref<8x32xf32>) permutation = [1, 0]
// CHECK:       vector.load %[[T]]
// CHECK:       memref.dealloc %[[T]]
func.func @transposed_rhs(%a: memref<8x8xf32>, %b: memref<32x8xf32>, %c: memref<8x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x8xf32>, memref<32x8xf32>) outs(%c : memref<8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Batched, A^T, a rank-2 B shared by the batch: the batch is the first
// parallel dimension; A is read as A[b, k, m].
#a = affine_map<(b, m, k, n) -> (b, k, m)>
#b = affine_map<(b, m, k, n) -> (k, n)>
#c = affine_map<(b, m, k, n) -> (b, m, n)>
// CHECK-LABEL: func.func @batched
// CHECK:       scf.parallel (%[[B:.+]], %{{.+}}) = (%c0, %c0) to (%c3, %c1)
// CHECK:         memref.load %arg0[%[[B]], %{{.+}}, %{{.+}}] : memref<3x4x8xf32>
func.func @batched(%a: memref<3x4x8xf32>, %b: memref<4x32xf32>, %c: memref<3x8x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<3x4x8xf32>, memref<4x32xf32>) outs(%c : memref<3x8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: a fused activation on an operand (the kernel would drop it)
// and a tensor (not yet bufferized) contraction.
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @not_plain
// CHECK:       math.tanh
// CHECK-NOT:   vector.fma
func.func @not_plain(%a: memref<8x4xf32>, %b: memref<4x32xf32>, %c: memref<8x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x4xf32>, memref<4x32xf32>) outs(%c : memref<8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %t = math.tanh %x : f32
    %p = arith.mulf %t, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A tall product (256 rows, K = 64): each thread takes a block of 128 rows of
// A and sweeps both 32-column panels of B over it, so the block stays in L2.
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @tall
// CHECK:       scf.parallel (%[[RB:.+]]) = (%c0) to (%c2) step (%c1)
// CHECK:         %[[BASE:.+]] = arith.muli %[[RB]], %c128
// CHECK:         scf.for %[[P:.+]] = %c0 to %c2{{.*}} step %c1
// CHECK:           %[[END:.+]] = arith.addi %[[BASE]], %c128
// CHECK:           scf.for %{{.+}} = %[[BASE]] to %[[END]] step %c8
// CHECK:       } {myelin.work = 1048576 : i64}
func.func @tall(%a: memref<256x64xf32>, %b: memref<64x64xf32>, %c: memref<256x64xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<256x64xf32>, memref<64x64xf32>) outs(%c : memref<256x64xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}
