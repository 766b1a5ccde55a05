// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions --canonicalize --cse | FileCheck %s
// RUN: myelin-opt %s --split-input-file --myelin-lower-contractions=prefetch=false --canonicalize --cse | FileCheck %s --check-prefix=OFF

// Software prefetch of what the next packing or row of tiles reads, spread
// over the unrolled iterations of the register tiles' k loops (a burst of
// misses would hold the fill buffers that the panel's loads need), at the
// top of each iteration, before its multiply-adds (see
// kernel-registers.mlir for why). Each tile call walks its share of the
// lines: the loop carries the walk's row and column, so that an iteration
// pays an add, a compare and selects per line, never a division. Two
// blocks of 16 x 32 (one panel each, one per parallel iteration), k = 512
// in two k blocks of 256.
// - The next k block's rows of B (row-major, packed per k block): 256 rows
//   x 2 lines over the block's 2 tiles, two per iteration. In the last k
//   block (kb = 256), the first k block's rows of the block that the same
//   thread takes next (iteration + 1, clamped: its columns n0').
// - The next row of tiles' rows of A (row-major, read in place), columns of
//   the current k block: 8 rows x 16 lines, two per iteration; after the
//   last row of tiles (t = 1), the first row of tiles (rows 0..7) in the
//   next k block, or in the last one in the next block (columns 0). The row
//   is clamped to A's last (15); the column needs no clamp (the k blocks
//   divide k).
// Only C's write prefetches (the next tile) come outside the k loop.
#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @two_k_blocks
// CHECK:       scf.parallel (%[[IV:.+]]) = (%c0) to (%c2) step (%c1)
// CHECK:         %[[NB:.+]] = arith.remui %[[IV]], %c2
// CHECK:         %[[N0:.+]] = arith.muli %[[NB]], %c32
// CHECK:         %[[IV1:.+]] = arith.addi %[[IV]], %c1
// CHECK:         %[[NEXTIV:.+]] = arith.minui %[[IV1]], %c1
// CHECK:         %[[NEXTNB:.+]] = arith.remui %[[NEXTIV]], %c2
// CHECK:         %[[NEXTN0:.+]] = arith.muli %[[NEXTNB]], %c32
// CHECK:       scf.for %[[KB:.+]] = %c0 to %c512 step %c256
// CHECK:         %[[LASTKB:.+]] = arith.cmpi eq, %[[KB]], %c256
// CHECK:         %[[KB1:.+]] = arith.addi %[[KB]], %c256
// CHECK:         %[[KBN:.+]] = arith.select %[[LASTKB]], %c0, %[[KB1]]
// CHECK:         %[[NBN:.+]] = arith.select %[[LASTKB]], %[[NEXTN0]], %[[N0]]
// CHECK:         scf.for %[[T:.+]] = %c0 to %c2 step %c1
// CHECK:           %[[MT8:.+]] = arith.addi %{{.+}}, %c8
// CHECK:           %[[LASTROW:.+]] = arith.cmpi eq, %[[T]], %c1
// CHECK:           %[[AROW:.+]] = arith.select %[[LASTROW]], %c0, %[[MT8]]
// CHECK:           %[[ACOL:.+]] = arith.select %[[LASTROW]], %[[KBN]], %[[KB]]
// CHECK-NOT:       memref.prefetch {{.*}} read
// CHECK:           scf.for %[[K:[^ ]+]] = %c0 to %c256 step %c4 iter_args({{.*}}, %[[AR:[^ ]+]] = %c0, %[[AC:[^ ]+]] = %c0, %[[BR:[^ ]+]] = %{{[^ ]+}}, %[[BC:[^ ]+]] = %{{[^ ]+}})
// CHECK-NOT:         vector.fma
// CHECK:             %[[AR0:.+]] = arith.addi %[[AROW]], %[[AR]]
// CHECK:             %[[ARC:.+]] = arith.minsi %[[AR0]], %c15
// CHECK:             %[[ACC:.+]] = arith.addi %[[ACOL]], %[[AC]]
// CHECK:             memref.prefetch %arg0[%[[ARC]], %[[ACC]]], read, locality<2>, data : memref<16x512xf32>
// CHECK:             %[[AC1:.+]] = arith.addi %[[AC]], %c16
// CHECK:             %[[WRAP:.+]] = arith.cmpi uge, %[[AC1]], %c256
// CHECK:             %[[AR1:.+]] = arith.addi %[[AR]], %c1
// CHECK:             arith.select %[[WRAP]], %[[AR1]], %[[AR]]
// CHECK:             arith.select %[[WRAP]], %c0, %[[AC1]]
// CHECK:             memref.prefetch %arg0[{{.+}}], read, locality<2>, data : memref<16x512xf32>
// CHECK:             %[[BR0:.+]] = arith.addi %[[KBN]], %[[BR]]
// CHECK:             %[[BRC:.+]] = arith.minsi %[[BR0]], %c511
// CHECK:             %[[BCC:.+]] = arith.addi %[[NBN]], %[[BC]]
// CHECK:             memref.prefetch %arg1[%[[BRC]], %[[BCC]]], read, locality<2>, data : memref<512x64xf32>
// CHECK:             memref.prefetch %arg1[{{.+}}], read, locality<2>, data : memref<512x64xf32>
// CHECK-NOT:         memref.prefetch
// CHECK-COUNT-64:    vector.fma
// CHECK:             scf.yield
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
// block's panels of B and its rows of A^T (what the next packing reads:
// whole rows of A) are prefetched. Four blocks of 256 rows: A^T's 256 x 16
// lines per block are more than the block's tiles walk at two lines per
// iteration, so every iteration walks (no second loop).
#a = affine_map<(m, k, n) -> (k, m)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// CHECK-LABEL: func.func @transposed_lhs
// CHECK:         scf.parallel (%{{.+}}) = (%c0) to (%c4) step (%c1)
// CHECK:         scf.for %{{.+}} = %c0 to %c256 step %c4 iter_args(
// CHECK:           memref.prefetch %arg1[{{.+}}], read, locality<2>, data : memref<512x32xf32>
// CHECK-COUNT-2:   memref.prefetch %arg0[{{.+}}], read, locality<2>, data : memref<512x1024xf32>
// CHECK-COUNT-64:  vector.fma
// CHECK:           scf.yield
// CHECK-NOT:     scf.for %{{.+}} = %c64 to %c256 step %c4
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

// -----

// A batched product (attention's form), one block per batch entry and a
// single k block: what the thread reads next is the next entry's. Its
// panels of B (batch index min(h + 1, 3)) are walked over all tiles; the
// last row of tiles prefetches the next entry's first rows of A.
#a = affine_map<(h, m, k, n) -> (h, m, k)>
#b = affine_map<(h, m, k, n) -> (h, k, n)>
#c = affine_map<(h, m, k, n) -> (h, m, n)>
// CHECK-LABEL: func.func @next_batch_entry
// CHECK:       scf.parallel (%[[H:.+]]) = (%c0) to (%c4) step (%c1)
// CHECK:         %[[H1:.+]] = arith.addi %[[H]], %c1
// CHECK:         %[[NEXTH:.+]] = arith.minui %[[H1]], %c3
// CHECK:         scf.for %[[T:.+]] = %c0 to %c2 step %c1
// CHECK:           %[[LASTROW:.+]] = arith.cmpi eq, %[[T]], %c1
// CHECK:           %[[AROW:.+]] = arith.select %[[LASTROW]], %c0, %{{.+}}
// CHECK:           %[[AH:.+]] = arith.select %[[LASTROW]], %[[NEXTH]], %[[H]]
// CHECK:           scf.for %{{.+}} = %c0 to %c64 step %c4 iter_args(
// CHECK:             memref.prefetch %arg0[%[[AH]], %{{.+}}, %{{.+}}], read, locality<2>, data : memref<4x16x64xf32>
// CHECK:             memref.prefetch %arg1[%[[NEXTH]], %{{.+}}, %{{.+}}], read, locality<2>, data : memref<4x64x32xf32>
// CHECK:             scf.yield
// OFF-LABEL:   func.func @next_batch_entry
// OFF-NOT:     memref.prefetch {{.*}} read
// OFF:         return
func.func @next_batch_entry(%a: memref<4x16x64xf32>, %b: memref<4x64x32xf32>, %c: memref<4x16x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x16x64xf32>, memref<4x64x32xf32>) outs(%c : memref<4x16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same with A transposed (attention's P^T dY and dS^T q): a single k
// block, so the next entry's whole A^T block, which the next block packs
// first, is walked as well (with several k blocks, see @transposed_lhs, the
// next k block's).
#a = affine_map<(h, m, k, n) -> (h, k, m)>
#b = affine_map<(h, m, k, n) -> (h, k, n)>
#c = affine_map<(h, m, k, n) -> (h, m, n)>
// CHECK-LABEL: func.func @next_entry_transposed
// CHECK:       scf.parallel (%[[H:.+]]) = (%c0) to (%c4) step (%c1)
// CHECK:         %[[H1:.+]] = arith.addi %[[H]], %c1
// CHECK:         %[[NEXTH:.+]] = arith.minui %[[H1]], %c3
// CHECK:           scf.for %{{.+}} = %c0 to %c64 step %c4 iter_args(
// CHECK-COUNT-2:     memref.prefetch %arg1[%[[NEXTH]], %{{.+}}, %{{.+}}], read, locality<2>, data : memref<4x64x32xf32>
// CHECK-COUNT-2:     memref.prefetch %arg0[%[[NEXTH]], %{{.+}}, %{{.+}}], read, locality<2>, data : memref<4x64x16xf32>
// CHECK:             scf.yield
// OFF-LABEL:   func.func @next_entry_transposed
// OFF-NOT:     memref.prefetch {{.*}} read
// OFF:         return
func.func @next_entry_transposed(%a: memref<4x64x16xf32>, %b: memref<4x64x32xf32>, %c: memref<4x16x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x64x16xf32>, memref<4x64x32xf32>) outs(%c : memref<4x16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}
