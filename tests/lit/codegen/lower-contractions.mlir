// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions=k-unroll=1 --canonicalize --cse | FileCheck %s
// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions --canonicalize --cse | FileCheck %s --check-prefix=UNROLL
// RUN: not myelin-opt %s --split-input-file --myelin-lower-contractions=rows=15 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not myelin-opt %s --split-input-file --myelin-lower-contractions=k-unroll=0 2>&1 | FileCheck %s --check-prefix=UNROLL0
// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions="k-unroll=1 min-blocks=2" --canonicalize --cse | FileCheck %s --check-prefix=MIN2
// RUN: not myelin-opt %s --split-input-file --myelin-lower-contractions=min-blocks=0 2>&1 | FileCheck %s --check-prefix=MIN0

// ROWS: rows must be in [1, 14] (2 x rows accumulators must fit the 32 vector registers), got 15
// UNROLL0: k-unroll must be in [1, 16], got 0
// MIN0: min-blocks must be positive, got 0

// By default a tile's k loop takes 4 steps per iteration, then the rest one
// at a time (the checks above use k-unroll=1): in @matmul (k = 6) the
// canonicalizer inlines the single unrolled iteration and steps 4 and 5
// remain; @long_rows (k = 256) is all unrolled, 4 x 16 FMAs per iteration.
// UNROLL-LABEL: func.func @matmul
// UNROLL:       scf.for %{{.+}} = %c4 to %c6 step %c1 iter_args(
// UNROLL-LABEL: func.func @long_rows
// UNROLL:       scf.for %{{.+}} = %c0 to %c256 step %c4 iter_args(
// UNROLL-COUNT-64: vector.fma
// UNROLL-NOT:   vector.fma
// UNROLL:       scf.yield

#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// 20 x 72 output: two full 32-column panels, a block each (the parallel
// loop's 2 iterations, work = 20*6*64), then a masked tail of 8 columns; two
// full 8-row tiles and a 4-row tile. A block's panel of B is packed row by
// row into a 6 x 32 buffer padded by 16 floats; A (short rows) is read in
// place.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT:   linalg.generic
// CHECK:       %[[MASK:.+]] = arith.constant dense<[true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false]> : vector<16xi1>
// CHECK:       scf.parallel (%[[I:.+]]) = (%c0) to (%c2) step (%c1)
// CHECK:         %[[NB:.+]] = arith.remui %[[I]], %c2
// CHECK:         %[[N0:.+]] = arith.muli %[[NB]], %c32
// CHECK:         %[[BP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x208xf32>
// CHECK:         scf.for %[[KK:.+]] = %c0 to %c6 step %c1
// CHECK:           %[[V:.+]] = vector.load %arg1[%[[KK]], %[[N0]]] : memref<6x72xf32>, vector<16xf32>
// CHECK:           %[[O:.+]] = arith.muli %[[KK]], %c32
// CHECK:           vector.store %[[V]], %[[BP]][%c0, %[[O]]]
// CHECK:         scf.for %[[T:.+]] = %c0 to %c2 step %c1
// CHECK:           %[[M0:.+]] = arith.muli %[[T]], %c8
// The next tile's rows of C are prefetched.
// CHECK-COUNT-16:  memref.prefetch %arg2
// CHECK-COUNT-16:  vector.load %arg2{{.*}} vector<16xf32>
// CHECK:           scf.for %[[K:.+]] = %c0 to %c6 step %c1 iter_args(
// CHECK:             %[[BO:.+]] = arith.muli %[[K]], %c32
// CHECK:             vector.load %[[BP]][%c0, %[[BO]]] : memref<1x208xf32>, vector<16xf32>
// CHECK:             vector.load %[[BP]][%c0, %{{.+}}] : memref<1x208xf32>, vector<16xf32>
// CHECK:             %[[A:.+]] = memref.load %arg0[%[[M0]], %[[K]]]
// CHECK:             %[[S:.+]] = vector.broadcast %[[A]] : f32 to vector<16xf32>
// CHECK:             vector.fma %[[S]]
// CHECK:             vector.fma %[[S]]
// CHECK:           scf.yield
// CHECK-COUNT-16:  vector.store
// CHECK:         memref.dealloc %[[BP]]
// CHECK:       } {myelin.work = 7680 : i64}
// The 8-column tail: its own packed panel (masked loads of B), masked loads
// and stores of C, the second vector absent.
// CHECK:       vector.maskedload %arg1[%{{.+}}, %c64], %[[MASK]]
// CHECK:       vector.maskedload %arg2[%{{.+}}, %c64], %[[MASK]]
// CHECK-NOT:   vector.load %arg2
// CHECK:       vector.maskedstore %arg2[%{{.+}}, %c64], %[[MASK]]
func.func @matmul(%a: memref<20x6xf32>, %b: memref<6x72xf32>, %c: memref<20x72xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<20x6xf32>, memref<6x72xf32>) outs(%c : memref<20x72xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A * B^T: no transposed copy of B; the panel is packed 16 x 16 at a time:
// 16 rows of B loaded, transposed by 4 rounds of 16 shuffles, stored as 16
// rows of the panel (here the whole of k = 16, each half of the panel).
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @transposed_rhs
// CHECK-NOT:   linalg.transpose
// CHECK:       %[[BP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x528xf32>
// CHECK-COUNT-16: vector.load %arg1[%{{.+}}, %c0] : memref<32x16xf32>, vector<16xf32>
// CHECK-COUNT-64: vector.shuffle
// CHECK:       vector.store %{{.+}}, %[[BP]][%c0, %c0]
// CHECK:       vector.store %{{.+}}, %[[BP]][%c0, %c32]
// CHECK-COUNT-16: vector.load %arg1[%{{.+}}, %c0] : memref<32x16xf32>, vector<16xf32>
// CHECK-COUNT-64: vector.shuffle
// CHECK:       vector.store %{{.+}}, %[[BP]][%c0, %c16]
// CHECK:       scf.for
// CHECK:         vector.load %[[BP]]
// CHECK:         memref.load %arg0
// CHECK:       memref.dealloc %[[BP]]
func.func @transposed_rhs(%a: memref<8x16xf32>, %b: memref<32x16xf32>, %c: memref<8x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x16xf32>, memref<32x16xf32>) outs(%c : memref<8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Batched, A^T, a rank-2 B shared by the batch: the batch is the parallel
// loop (3 blocks, the batch index taken from it); A's rows for the block are
// packed a row of A (one k) at a time as vector<8xf32>, and the register
// tiles broadcast from the packed buffer.
#a = affine_map<(b, m, k, n) -> (b, k, m)>
#b = affine_map<(b, m, k, n) -> (k, n)>
#c = affine_map<(b, m, k, n) -> (b, m, n)>
// CHECK-LABEL: func.func @batched
// CHECK:       scf.parallel (%[[B:.+]]) = (%c0) to (%c3) step (%c1)
// CHECK:         %[[AP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x48xf32>
// CHECK:         scf.for %[[KK:.+]] = %c0 to %c4 step %c1
// CHECK:           %[[O:.+]] = arith.muli %[[KK]], %c8
// CHECK:           %[[V:.+]] = vector.load %arg0[%[[B]], %[[KK]], %c0] : memref<3x4x8xf32>, vector<8xf32>
// CHECK:           vector.store %[[V]], %[[AP]][%c0, %[[O]]] : memref<1x48xf32>, vector<8xf32>
// CHECK:         scf.for %[[K:.+]] = %c0 to %c4 step %c1 iter_args(
// CHECK:           %[[KO:.+]] = arith.muli %[[K]], %c8
// CHECK:           memref.load %[[AP]][%c0, %[[KO]]] : memref<1x48xf32>
// CHECK:         memref.dealloc %[[AP]]
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

// A tall product (256 rows, K = 64, two panels): one block would leave the
// second thread idle, so blocks are split to 4 blocks of 64 rows (taller
// than wide blocks are cut along rows), each with both panels.
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// With min-blocks=2 (myelinc asks for one block per core) it stops at two
// blocks of 128 rows.
// MIN2-LABEL: func.func @tall
// MIN2:       scf.parallel (%[[I:.+]]) = (%c0) to (%c2) step (%c1)
// MIN2:         arith.muli %{{.+}}, %c128
// MIN2:       } {myelin.work = 1048576 : i64}
// CHECK-LABEL: func.func @tall
// CHECK:       scf.parallel (%[[I:.+]]) = (%c0) to (%c4) step (%c1)
// CHECK:         %[[MB:.+]] = arith.remui %[[I]], %c4
// CHECK:         %[[M0:.+]] = arith.muli %[[MB]], %c64
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<2x2064xf32>
// CHECK:         scf.for %[[T:.+]] = %c0 to %c8 step %c1
// CHECK:           %[[MT:.+]] = arith.muli %[[T]], %c8
// CHECK:           arith.addi %[[M0]], %[[MT]]
// CHECK:           scf.for %{{.+}} = %c0 to %c2 step %c1
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

// -----

// Rows of A 4 KiB apart (K = 1024) would share L1 sets: A is packed too, per
// k block of 256 (B into 256 x 32 + 16 floats, A into 256 x 8 + 16), 8 rows
// by 16 k at a time through 3 rounds of 8 shuffles.
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @long_rows
// CHECK:       %[[BP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x8208xf32>
// CHECK:       %[[AP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x2064xf32>
// CHECK:       scf.for %[[KB:.+]] = %c0 to %c1024 step %c256
// CHECK:         scf.for %{{.+}} = %c0 to %c256 step %c1
// CHECK:           vector.store %{{.+}}, %[[BP]]
// CHECK:         scf.for %[[KK:.+]] = %c0 to %c256 step %c16
// CHECK:           %[[K:.+]] = arith.addi %[[KB]], %[[KK]]
// CHECK-COUNT-8:   vector.load %arg0[%{{.+}}, %[[K]]] : memref<8x1024xf32>, vector<16xf32>
// CHECK-COUNT-24:  vector.shuffle
// CHECK-COUNT-8:   vector.store %{{.+}}, %[[AP]]
// CHECK:         scf.for %{{.+}} = %c0 to %c256 step %c1 iter_args(
// CHECK:           memref.load %[[AP]]
// CHECK:       memref.dealloc %[[BP]]
// CHECK:       memref.dealloc %[[AP]]
func.func @long_rows(%a: memref<8x1024xf32>, %b: memref<1024x32xf32>, %c: memref<8x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x1024xf32>, memref<1024x32xf32>) outs(%c : memref<8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An empty reduction leaves C as it is: the op is removed, no kernel built.
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @empty_k
// CHECK-NEXT:  return
func.func @empty_k(%a: memref<8x0xf32>, %b: memref<0x32xf32>, %c: memref<8x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x0xf32>, memref<0x32xf32>) outs(%c : memref<8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}
