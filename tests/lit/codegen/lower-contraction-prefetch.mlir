// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions --canonicalize --cse | FileCheck %s
// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions=prefetch=false --canonicalize --cse | FileCheck %s --check-prefix=OFF

// Software prefetch of what the next packing or row of tiles reads, spread
// over the unrolled iterations of the register tiles' k loops (a burst of
// misses would hold the fill buffers that the panel's loads need), at the
// top of each iteration, before its multiply-adds (see
// kernel-registers.mlir for why). Each tile call walks its share of the
// lines: the loop carries the walk's row and column, so that an iteration
// pays an add, a compare and selects per line, never a division. Two
// blocks of 16 x 32 (one panel each), k = 512 in two k blocks of 256.
// - The next row of tiles' rows of A (row-major, read in place), columns of
//   the current k block: 8 rows x 16 lines, over the 64 iterations, two a
//   time; the row clamped to A's last (15); the column needs no clamp (the
//   k blocks divide k).
// - The next k block's rows of B (row-major, packed per k block): 256 rows
//   x 2 lines over the block's 2 tiles (one panel each), two per iteration;
//   the k block is min(kb + 256, 256), the last one (at the last k block
//   the prefetches repeat its own rows, which are cached).
// Only C's write prefetches (the next tile) come outside the k loop.
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @two_k_blocks
// CHECK:       scf.for %[[KB:.+]] = %c0 to %c512 step %c256
// CHECK:         %[[NEXT:.+]] = arith.addi %[[KB]], %c256
// CHECK:         %[[KBN:.+]] = arith.minsi %[[NEXT]], %c256
// CHECK-NOT:     memref.prefetch {{.*}} read
// CHECK:         scf.for %[[K:[^ ]+]] = %c0 to %c256 step %c4 iter_args({{.*}}, %[[AR:[^ ]+]] = %c0, %[[AC:[^ ]+]] = %c0, %[[BR:[^ ]+]] = %{{[^ ]+}}, %[[BC:[^ ]+]] = %{{[^ ]+}})
// CHECK-NOT:       vector.fma
// CHECK:           %[[AR0:.+]] = arith.addi %{{.+}}, %[[AR]]
// CHECK:           %[[ARC:.+]] = arith.minsi %[[AR0]], %c15
// CHECK:           %[[ACC:.+]] = arith.addi %[[KB]], %[[AC]]
// CHECK:           memref.prefetch %arg0[%[[ARC]], %[[ACC]]], read, locality<2>, data : memref<16x512xf32>
// CHECK:           %[[AC1:.+]] = arith.addi %[[AC]], %c16
// CHECK:           %[[WRAP:.+]] = arith.cmpi uge, %[[AC1]], %c256
// CHECK:           %[[AR1:.+]] = arith.addi %[[AR]], %c1
// CHECK:           arith.select %[[WRAP]], %[[AR1]], %[[AR]]
// CHECK:           arith.select %[[WRAP]], %c0, %[[AC1]]
// CHECK:           memref.prefetch %arg0[{{.+}}], read, locality<2>, data : memref<16x512xf32>
// CHECK:           %[[BR0:.+]] = arith.addi %[[KBN]], %[[BR]]
// CHECK:           %[[BRC:.+]] = arith.minsi %[[BR0]], %c511
// CHECK:           %[[BCC:.+]] = arith.addi %{{.+}}, %[[BC]]
// CHECK:           memref.prefetch %arg1[%[[BRC]], %[[BCC]]], read, locality<2>, data : memref<512x64xf32>
// CHECK:           memref.prefetch %arg1[{{.+}}], read, locality<2>, data : memref<512x64xf32>
// CHECK-NOT:       memref.prefetch
// CHECK-COUNT-64:  vector.fma
// CHECK:           scf.yield
// OFF-LABEL:   func.func @two_k_blocks
// OFF-NOT:     memref.prefetch {{.*}} read
// OFF:         return
func.func @two_k_blocks(%a: memref<16x512xf32>, %b: memref<512x64xf32>, %c: memref<16x64xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<16x512xf32>, memref<512x64xf32>) outs(%c : memref<16x64xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A weight gradient's form, A^T * B (k = 512 rows of both): the next k
// block's panels of B are prefetched, its rows of A^T (whole rows of A,
// which the hardware prefetchers follow) are not. The block's 32 tiles
// share B's 256 x 2 lines, 16 each: the first 16 iterations walk them, a
// second loop without prefetches takes the rest.
#a = affine_map<(m, k, n) -> (k, m)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @transposed_lhs
// CHECK:         %[[SPLIT:.+]]:18 = scf.for %{{.+}} = %c0 to %c64 step %c4 iter_args(
// CHECK-NOT:       memref.prefetch %arg0
// CHECK:           memref.prefetch %arg1[{{.+}}], read, locality<2>, data : memref<512x32xf32>
// CHECK-NOT:       memref.prefetch %arg0
// CHECK:           scf.yield
// CHECK:         scf.for %{{.+}} = %c64 to %c256 step %c4 iter_args(%{{.+}} = %[[SPLIT]]#0,
// CHECK-NOT:       memref.prefetch
// CHECK-COUNT-64:  vector.fma
// CHECK:           scf.yield
// OFF-LABEL:   func.func @transposed_lhs
// OFF-NOT:     memref.prefetch {{.*}} read
// OFF:         return
func.func @transposed_lhs(%a: memref<512x1024xf32>, %b: memref<512x32xf32>, %c: memref<1024x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<512x1024xf32>, memref<512x32xf32>) outs(%c : memref<1024x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}
