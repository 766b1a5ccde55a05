// The kernels of myelin-lower-contractions against a plain loop nest, on
// shapes that reach each of their packing paths, remainders and blockings
// (tests/lit/codegen/lower-contractions.mlir checks their structure). Each
// @<case> is a contraction the pass rewrites; @<case>_ref computes the same
// product through a third (scalar 1.0) input, which keeps it from being a
// contraction the pass matches, so it becomes loops. The inputs are small
// multiples of 1/4, so every product and partial sum is exact in f32 and
// the two must agree bit for bit whatever the summation order; C starts
// nonzero (contractions accumulate), so a skipped element also mismatches.
// The whole kernel pipeline runs (as myelinc does, single-threaded) and
// mlir-cpu-runner prints the mismatch count per case. (A kernel with
// swapped shuffle operands in its in-register transposes measured 493 to
// 1188 mismatches on the transposing cases.)
// The causal_* cases (myelin.causal) compare what their kind promises: all
// of C where A is triangular, the entries n <= m of causal scores (the
// others may only be the product or 0). Bounds one short (a k loop ending
// a row early or starting a row late, one panel fewer) measured 1 to 5101
// mismatches under each of the three tile heights.
// RUN: myelin-opt %s --myelin-lower-kernels=threads=false \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// Other tile heights and k blocks: 4-row tiles (4-row transposes), 5-row
// tiles (A packed element by element) with k blocks of 100 (not a multiple
// of the 16-wide transposes) and 3 k steps per loop iteration (so tiles
// also take the one-step remainder loop; the default is 4).
// RUN: myelin-opt %s --buffer-deallocation-pipeline --myelin-lower-contractions=rows=4 --myelin-parallelize-loops=min-work=1000000000000 --convert-linalg-to-loops --lower-affine --convert-scf-to-cf --convert-vector-to-llvm --expand-strided-metadata --lower-affine --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: myelin-opt %s --buffer-deallocation-pipeline --myelin-lower-contractions="rows=5 k-block=100 k-unroll=3" --myelin-parallelize-loops=min-work=1000000000000 --convert-linalg-to-loops --lower-affine --convert-scf-to-cf --convert-vector-to-llvm --expand-strided-metadata --lower-affine --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// CHECK:      rowmajor_long_k mismatches: 0
// CHECK-NEXT: transposed_rhs mismatches: 0
// CHECK-NEXT: transposed_lhs mismatches: 0
// CHECK-NEXT: both_transposed mismatches: 0
// CHECK-NEXT: batched_rhs mismatches: 0
// CHECK-NEXT: blocked mismatches: 0
// CHECK-NEXT: blocked_lhs mismatches: 0
// CHECK-NEXT: heads_out mismatches: 0
// CHECK-NEXT: zero_filled mismatches: 0
// CHECK-NEXT: bias_init mismatches: 0
// CHECK-NEXT: causal_scores mismatches: 0
// CHECK-NEXT: causal_scores_129 mismatches: 0
// CHECK-NEXT: causal_pv mismatches: 0
// CHECK-NEXT: causal_pt mismatches: 0
// CHECK-NEXT: causal_pv_long mismatches: 0
// CHECK-NEXT: epilogue_act mismatches: 0 0
// CHECK-NEXT: epilogue_grad mismatches: 0

// rowmajor_long_k: row-major A with K >= 1024: A packed by in-register transposes; K blocks of 256 and a 6-deep one (k remainder of the 16-wide transposes), 4 remainder rows, an 8-column tail.
func.func @rowmajor_long_k(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %c: memref<20x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x1030xf32>, memref<1030x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @rowmajor_long_k_ref(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %c: memref<20x40xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> ()>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<20x1030xf32>, memref<1030x40xf32>, memref<f32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// transposed_rhs: A * B^T: B panels packed by 16 x 16 transposes (k remainder 5), a 13-column tail.
func.func @transposed_rhs(%a: memref<19x37xf32>, %b: memref<45x37xf32>, %c: memref<19x45xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<19x37xf32>, memref<45x37xf32>) outs(%c : memref<19x45xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @transposed_rhs_ref(%a: memref<19x37xf32>, %b: memref<45x37xf32>, %c: memref<19x45xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> ()>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<19x37xf32>, memref<45x37xf32>, memref<f32>) outs(%c : memref<19x45xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// transposed_lhs: A^T * B: A packed per block from rows of A (masked remainder rows), two K blocks, a 6-column tail.
func.func @transposed_lhs(%a: memref<300x21xf32>, %b: memref<300x70xf32>, %c: memref<21x70xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<300x21xf32>, memref<300x70xf32>) outs(%c : memref<21x70xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @transposed_lhs_ref(%a: memref<300x21xf32>, %b: memref<300x70xf32>, %c: memref<21x70xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> ()>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<300x21xf32>, memref<300x70xf32>, memref<f32>) outs(%c : memref<21x70xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// both_transposed: A^T * B^T.
func.func @both_transposed(%a: memref<33x17xf32>, %b: memref<33x33xf32>, %c: memref<17x33xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<33x17xf32>, memref<33x33xf32>) outs(%c : memref<17x33xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @both_transposed_ref(%a: memref<33x17xf32>, %b: memref<33x33xf32>, %c: memref<17x33xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> ()>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<33x17xf32>, memref<33x33xf32>, memref<f32>) outs(%c : memref<17x33xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// batched_rhs: batched A * B^T, an 18-column tail (second vector masked).
func.func @batched_rhs(%a: memref<3x9x20xf32>, %b: memref<3x50x20xf32>, %c: memref<3x9x50xf32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, n, k)>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x9x20xf32>, memref<3x50x20xf32>) outs(%c : memref<3x9x50xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @batched_rhs_ref(%a: memref<3x9x20xf32>, %b: memref<3x50x20xf32>, %c: memref<3x9x50xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, n, k)>, affine_map<(bt, m, n, k) -> ()>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<3x9x20xf32>, memref<3x50x20xf32>, memref<f32>) outs(%c : memref<3x9x50xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// heads_out: C written as [b, m, h, n] (attention's P v writing the head
// merge's layout): the register tile's rows are C's dimension 1, the heads
// a batch dimension between them and the columns.
func.func @heads_out(%a: memref<2x3x9x20xf32>, %b: memref<2x20x3x40xf32>, %c: memref<2x9x3x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, h, m, k, n) -> (bt, h, m, k)>, affine_map<(bt, h, m, k, n) -> (bt, k, h, n)>, affine_map<(bt, h, m, k, n) -> (bt, m, h, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x3x9x20xf32>, memref<2x20x3x40xf32>) outs(%c : memref<2x9x3x40xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @heads_out_ref(%a: memref<2x3x9x20xf32>, %b: memref<2x20x3x40xf32>, %c: memref<2x9x3x40xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, h, m, k, n) -> (bt, h, m, k)>, affine_map<(bt, h, m, k, n) -> (bt, k, h, n)>, affine_map<(bt, h, m, k, n) -> ()>, affine_map<(bt, h, m, k, n) -> (bt, m, h, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b, %one : memref<2x3x9x20xf32>, memref<2x20x3x40xf32>, memref<f32>) outs(%c : memref<2x9x3x40xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// blocked: row and column blocks for threads (9-panel blocks).
func.func @blocked(%a: memref<512x64xf32>, %b: memref<64x576xf32>, %c: memref<512x576xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<512x64xf32>, memref<64x576xf32>) outs(%c : memref<512x576xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @blocked_ref(%a: memref<512x64xf32>, %b: memref<64x576xf32>, %c: memref<512x576xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> ()>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<512x64xf32>, memref<64x576xf32>, memref<f32>) outs(%c : memref<512x576xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// blocked_lhs: A^T with long K: 3-panel blocks, split rows.
func.func @blocked_lhs(%a: memref<1100x256xf32>, %b: memref<1100x96xf32>, %c: memref<256x96xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1100x256xf32>, memref<1100x96xf32>) outs(%c : memref<256x96xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @blocked_lhs_ref(%a: memref<1100x256xf32>, %b: memref<1100x96xf32>, %c: memref<256x96xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> ()>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<1100x256xf32>, memref<1100x96xf32>, memref<f32>) outs(%c : memref<256x96xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}
// zero_filled: C zero-filled right before the product (the fill is dropped
// and the first of five k blocks starts from zero accumulators instead of
// loading C; later blocks load it). C starts nonzero, so a kept stale value
// or a zeroed later block mismatches.
func.func @zero_filled(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %c: memref<20x40xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<20x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x1030xf32>, memref<1030x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @zero_filled_ref(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %c: memref<20x40xf32>, %one: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<20x40xf32>)
  call @rowmajor_long_k_ref(%a, %b, %c, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  return
}

// bias_init: C set to a bias row broadcast over its rows right before the
// product (a linear layer's forward): the broadcast is dropped and the
// first k block starts from the bias (an 8-column masked tail included).
func.func @bias_init(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %bias: memref<40xf32>, %c: memref<20x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %z: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x1030xf32>, memref<1030x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @bias_init_ref(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %bias: memref<40xf32>, %c: memref<20x40xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %z: f32):
    linalg.yield %x : f32
  }
  call @rowmajor_long_k_ref(%a, %b, %c, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  return
}

// epilogue_act: an activation of C right after the product, C kept (as a
// pre-activation is, for the backward): applied to the accumulators of the
// last of five k blocks; C and D stored, the 8-column tail masked. (Applied
// in the first k block instead, D mismatched everywhere.)
func.func @epilogue_act(%a: memref<20x1030xf32> {llvm.noalias}, %b: memref<1030x40xf32> {llvm.noalias}, %c: memref<20x40xf32> {llvm.noalias}, %d: memref<20x40xf32> {llvm.noalias}) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x1030xf32>, memref<1030x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<20x40xf32>) outs(%d : memref<20x40xf32>) {
  ^bb0(%x: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %half = arith.constant 0.5 : f32
    %m = math.absf %x : f32
    %h = arith.mulf %m, %half : f32
    %r = arith.maximumf %x, %zero : f32
    %v = arith.addf %h, %r : f32
    linalg.yield %v : f32
  }
  return
}

func.func @epilogue_act_ref(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %c: memref<20x40xf32>, %d: memref<20x40xf32>, %one: memref<f32>) {
  call @rowmajor_long_k_ref(%a, %b, %c, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<20x40xf32>) outs(%d : memref<20x40xf32>) {
  ^bb0(%x: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %half = arith.constant 0.5 : f32
    %m = math.absf %x : f32
    %h = arith.mulf %m, %half : f32
    %r = arith.maximumf %x, %zero : f32
    %v = arith.addf %h, %r : f32
    linalg.yield %v : f32
  }
  return
}

// epilogue_grad: a derivative times C with a second input (the
// pre-activation), written into C (C dies there, so C itself is not
// stored); after a zero fill, so the first k block starts from zero.
func.func @epilogue_grad(%a: memref<20x1030xf32> {llvm.noalias}, %b: memref<1030x40xf32> {llvm.noalias}, %pre: memref<20x40xf32> {llvm.noalias}, %c: memref<20x40xf32> {llvm.noalias}) {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<20x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x1030xf32>, memref<1030x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%c, %pre : memref<20x40xf32>, memref<20x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %q: f32, %o: f32):
    %pos = arith.cmpf ogt, %q, %zero : f32
    %g = arith.select %pos, %x, %zero : f32
    %h = arith.mulf %g, %half : f32
    %v = arith.addf %h, %q : f32
    linalg.yield %v : f32
  }
  return
}

func.func @epilogue_grad_ref(%a: memref<20x1030xf32>, %b: memref<1030x40xf32>, %pre: memref<20x40xf32>, %c: memref<20x40xf32>, %one: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<20x40xf32>)
  call @rowmajor_long_k_ref(%a, %b, %c, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%c, %pre : memref<20x40xf32>, memref<20x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %q: f32, %o: f32):
    %pos = arith.cmpf ogt, %q, %zero : f32
    %g = arith.select %pos, %x, %zero : f32
    %h = arith.mulf %g, %half : f32
    %v = arith.addf %h, %q : f32
    linalg.yield %v : f32
  }
  return
}

// fill1_40: entry j = (j mod 7 - 3) / 4.
func.func @fill1_40(%m: memref<40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%m : memref<40xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %c7 = arith.constant 7 : index
    %r = arith.remui %i, %c7 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c3 = arith.constant 3.0 : f32
    %q = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c3 : f32
    %v = arith.mulf %d, %q : f32
    linalg.yield %v : f32
  }
  return
}

// causal_scores: "n_le_m", batched A * B^T after a zero fill (as q k^T): only
// entries n <= m are compared; the others must be the product or 0 (C
// starts nonzero and the fill is dropped, so a tile neither computed nor
// zeroed mismatches). 150 = 4 panels + a 22-column tail, 18 8-row tiles +
// 6 rows; blocks of 2 panels, so panels start at columns 0 and 64; with
// k blocks of 100, the zeros are stored in the first one only.
func.func @causal_scores(%a: memref<2x150x120xf32>, %b: memref<2x150x120xf32>, %c: memref<2x150x150xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2x150x150xf32>)
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, n, k)>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x150x120xf32>, memref<2x150x120xf32>) outs(%c : memref<2x150x150xf32>) attrs = {myelin.causal = "n_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @causal_scores_ref(%a: memref<2x150x120xf32>, %b: memref<2x150x120xf32>, %c: memref<2x150x150xf32>, %one: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2x150x150xf32>)
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, n, k)>, affine_map<(bt, m, n, k) -> ()>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<2x150x120xf32>, memref<2x150x120xf32>, memref<f32>) outs(%c : memref<2x150x150xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// causal_scores_129: "n_le_m" whose last row (128, a tile of its own)
// meets the diagonal in the first column of the 1-column tail panel, so a
// panel count one short leaves a compared entry zero.
func.func @causal_scores_129(%a: memref<1x129x16xf32>, %b: memref<1x129x16xf32>, %c: memref<1x129x129xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<1x129x129xf32>)
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, n, k)>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x129x16xf32>, memref<1x129x16xf32>) outs(%c : memref<1x129x129xf32>) attrs = {myelin.causal = "n_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @causal_scores_129_ref(%a: memref<1x129x16xf32>, %b: memref<1x129x16xf32>, %c: memref<1x129x129xf32>, %one: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<1x129x129xf32>)
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, n, k)>, affine_map<(bt, m, n, k) -> ()>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<1x129x16xf32>, memref<1x129x16xf32>, memref<f32>) outs(%c : memref<1x129x129xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// causal_pv: "k_le_m", A lower triangular (zero where k > m, as P v): each
// tile's k loop ends after its last row; all of C is compared (it
// accumulates), so a k loop one row short mismatches.
func.func @causal_pv(%a: memref<2x150x150xf32>, %b: memref<2x150x40xf32>, %c: memref<2x150x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, k, n)>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x150x150xf32>, memref<2x150x40xf32>) outs(%c : memref<2x150x40xf32>) attrs = {myelin.causal = "k_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @causal_pv_ref(%a: memref<2x150x150xf32>, %b: memref<2x150x40xf32>, %c: memref<2x150x40xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, k, n)>, affine_map<(bt, m, n, k) -> ()>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<2x150x150xf32>, memref<2x150x40xf32>, memref<f32>) outs(%c : memref<2x150x40xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// causal_pt: "k_ge_m", A^T with A lower triangular (as P^T dY) after a zero
// fill: each tile's k loop starts at its first row (in the k block where
// that is, from zero accumulators if it is the first).
func.func @causal_pt(%a: memref<2x150x150xf32>, %b: memref<2x150x40xf32>, %c: memref<2x150x40xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2x150x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, k, m)>, affine_map<(bt, m, n, k) -> (bt, k, n)>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x150x150xf32>, memref<2x150x40xf32>) outs(%c : memref<2x150x40xf32>) attrs = {myelin.causal = "k_ge_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @causal_pt_ref(%a: memref<2x150x150xf32>, %b: memref<2x150x40xf32>, %c: memref<2x150x40xf32>, %one: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2x150x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, k, m)>, affine_map<(bt, m, n, k) -> (bt, k, n)>, affine_map<(bt, m, n, k) -> ()>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<2x150x150xf32>, memref<2x150x40xf32>, memref<f32>) outs(%c : memref<2x150x40xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// causal_pv_long: "k_le_m" with rows of A 4 KiB apart (A packed per tile,
// only up to the tile's last row) and five k blocks, the later ones empty
// for the first rows.
func.func @causal_pv_long(%a: memref<1x1030x1030xf32>, %b: memref<1x1030x24xf32>, %c: memref<1x1030x24xf32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, k, n)>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x1030x1030xf32>, memref<1x1030x24xf32>) outs(%c : memref<1x1030x24xf32>) attrs = {myelin.causal = "k_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @causal_pv_long_ref(%a: memref<1x1030x1030xf32>, %b: memref<1x1030x24xf32>, %c: memref<1x1030x24xf32>, %one: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(bt, m, n, k) -> (bt, m, k)>, affine_map<(bt, m, n, k) -> (bt, k, n)>, affine_map<(bt, m, n, k) -> ()>, affine_map<(bt, m, n, k) -> (bt, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b, %one : memref<1x1030x1030xf32>, memref<1x1030x24xf32>, memref<f32>) outs(%c : memref<1x1030x24xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %o : f32
    %s = arith.addf %z, %q : f32
    linalg.yield %s : f32
  }
  return
}

// cfill3_<shape>: entry (i, j, l) = ((seed + 7i + 3j + 5l) mod 11 - 5) / 4, or 0
// where l > j if `lower` (a causally masked matrix).
func.func @cfill3_1x1030x1030(%m: memref<1x1030x1030xf32>, %seed: index, %lower: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<1x1030x1030xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %masked = arith.andi %above, %lower : i1
    %zero = arith.constant 0.0 : f32
    %w = arith.select %masked, %zero, %v : f32
    linalg.yield %w : f32
  }
  return
}

func.func @cfill3_1x1030x24(%m: memref<1x1030x24xf32>, %seed: index, %lower: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<1x1030x24xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %masked = arith.andi %above, %lower : i1
    %zero = arith.constant 0.0 : f32
    %w = arith.select %masked, %zero, %v : f32
    linalg.yield %w : f32
  }
  return
}

func.func @cfill3_1x129x129(%m: memref<1x129x129xf32>, %seed: index, %lower: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<1x129x129xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %masked = arith.andi %above, %lower : i1
    %zero = arith.constant 0.0 : f32
    %w = arith.select %masked, %zero, %v : f32
    linalg.yield %w : f32
  }
  return
}

func.func @cfill3_1x129x16(%m: memref<1x129x16xf32>, %seed: index, %lower: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<1x129x16xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %masked = arith.andi %above, %lower : i1
    %zero = arith.constant 0.0 : f32
    %w = arith.select %masked, %zero, %v : f32
    linalg.yield %w : f32
  }
  return
}

func.func @cfill3_2x150x120(%m: memref<2x150x120xf32>, %seed: index, %lower: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<2x150x120xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %masked = arith.andi %above, %lower : i1
    %zero = arith.constant 0.0 : f32
    %w = arith.select %masked, %zero, %v : f32
    linalg.yield %w : f32
  }
  return
}

func.func @cfill3_2x150x150(%m: memref<2x150x150xf32>, %seed: index, %lower: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<2x150x150xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %masked = arith.andi %above, %lower : i1
    %zero = arith.constant 0.0 : f32
    %w = arith.select %masked, %zero, %v : f32
    linalg.yield %w : f32
  }
  return
}

func.func @cfill3_2x150x40(%m: memref<2x150x40xf32>, %seed: index, %lower: i1) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<2x150x40xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %masked = arith.andi %above, %lower : i1
    %zero = arith.constant 0.0 : f32
    %w = arith.select %masked, %zero, %v : f32
    linalg.yield %w : f32
  }
  return
}

// causal_mismatches_<shape>: entries where x != y, except that with `upper` entries
// (i, j, l) with l > j may also be 0.
func.func @causal_mismatches_1x1030x24(%x: memref<1x1030x24xf32>, %y: memref<1x1030x24xf32>, %upper: i1) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]}
      ins(%x, %y : memref<1x1030x24xf32>, memref<1x1030x24xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %ne = arith.cmpf une, %p, %q : f32
    %zf = arith.constant 0.0 : f32
    %isZero = arith.cmpf oeq, %p, %zf : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %skipped = arith.andi %above, %isZero : i1
    %allowed = arith.andi %skipped, %upper : i1
    %true = arith.constant true
    %notAllowed = arith.xori %allowed, %true : i1
    %bad = arith.andi %ne, %notAllowed : i1
    %e = arith.extui %bad : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @causal_mismatches_1x129x129(%x: memref<1x129x129xf32>, %y: memref<1x129x129xf32>, %upper: i1) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]}
      ins(%x, %y : memref<1x129x129xf32>, memref<1x129x129xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %ne = arith.cmpf une, %p, %q : f32
    %zf = arith.constant 0.0 : f32
    %isZero = arith.cmpf oeq, %p, %zf : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %skipped = arith.andi %above, %isZero : i1
    %allowed = arith.andi %skipped, %upper : i1
    %true = arith.constant true
    %notAllowed = arith.xori %allowed, %true : i1
    %bad = arith.andi %ne, %notAllowed : i1
    %e = arith.extui %bad : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @causal_mismatches_2x150x150(%x: memref<2x150x150xf32>, %y: memref<2x150x150xf32>, %upper: i1) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]}
      ins(%x, %y : memref<2x150x150xf32>, memref<2x150x150xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %ne = arith.cmpf une, %p, %q : f32
    %zf = arith.constant 0.0 : f32
    %isZero = arith.cmpf oeq, %p, %zf : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %skipped = arith.andi %above, %isZero : i1
    %allowed = arith.andi %skipped, %upper : i1
    %true = arith.constant true
    %notAllowed = arith.xori %allowed, %true : i1
    %bad = arith.andi %ne, %notAllowed : i1
    %e = arith.extui %bad : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @causal_mismatches_2x150x40(%x: memref<2x150x40xf32>, %y: memref<2x150x40xf32>, %upper: i1) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]}
      ins(%x, %y : memref<2x150x40xf32>, memref<2x150x40xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %ne = arith.cmpf une, %p, %q : f32
    %zf = arith.constant 0.0 : f32
    %isZero = arith.cmpf oeq, %p, %zf : f32
    %above = arith.cmpi ugt, %i2, %i1 : index
    %skipped = arith.andi %above, %isZero : i1
    %allowed = arith.andi %skipped, %upper : i1
    %true = arith.constant true
    %notAllowed = arith.xori %allowed, %true : i1
    %bad = arith.andi %ne, %notAllowed : i1
    %e = arith.extui %bad : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @main() {
  %one = memref.alloc() : memref<f32>
  %c1f = arith.constant 1.0 : f32
  memref.store %c1f, %one[] : memref<f32>
  %a0 = memref.alloc() : memref<20x1030xf32>
  %b0 = memref.alloc() : memref<1030x40xf32>
  %c0 = memref.alloc() : memref<20x40xf32>
  %r0 = memref.alloc() : memref<20x40xf32>
  %a0_s = arith.constant 1 : index
  call @fill2_20x1030(%a0, %a0_s) : (memref<20x1030xf32>, index) -> ()
  %b0_s = arith.constant 2 : index
  call @fill2_1030x40(%b0, %b0_s) : (memref<1030x40xf32>, index) -> ()
  %c0_s = arith.constant 3 : index
  call @fill2_20x40(%c0, %c0_s) : (memref<20x40xf32>, index) -> ()
  %r0_s = arith.constant 3 : index
  call @fill2_20x40(%r0, %r0_s) : (memref<20x40xf32>, index) -> ()
  call @rowmajor_long_k(%a0, %b0, %c0) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>) -> ()
  call @rowmajor_long_k_ref(%a0, %b0, %r0, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  %n0 = call @mismatches_20x40(%c0, %r0) : (memref<20x40xf32>, memref<20x40xf32>) -> index
  vector.print str "rowmajor_long_k mismatches: "
  vector.print %n0 : index
  %a1 = memref.alloc() : memref<19x37xf32>
  %b1 = memref.alloc() : memref<45x37xf32>
  %c1 = memref.alloc() : memref<19x45xf32>
  %r1 = memref.alloc() : memref<19x45xf32>
  %a1_s = arith.constant 1 : index
  call @fill2_19x37(%a1, %a1_s) : (memref<19x37xf32>, index) -> ()
  %b1_s = arith.constant 2 : index
  call @fill2_45x37(%b1, %b1_s) : (memref<45x37xf32>, index) -> ()
  %c1_s = arith.constant 3 : index
  call @fill2_19x45(%c1, %c1_s) : (memref<19x45xf32>, index) -> ()
  %r1_s = arith.constant 3 : index
  call @fill2_19x45(%r1, %r1_s) : (memref<19x45xf32>, index) -> ()
  call @transposed_rhs(%a1, %b1, %c1) : (memref<19x37xf32>, memref<45x37xf32>, memref<19x45xf32>) -> ()
  call @transposed_rhs_ref(%a1, %b1, %r1, %one) : (memref<19x37xf32>, memref<45x37xf32>, memref<19x45xf32>, memref<f32>) -> ()
  %n1 = call @mismatches_19x45(%c1, %r1) : (memref<19x45xf32>, memref<19x45xf32>) -> index
  vector.print str "transposed_rhs mismatches: "
  vector.print %n1 : index
  %a2 = memref.alloc() : memref<300x21xf32>
  %b2 = memref.alloc() : memref<300x70xf32>
  %c2 = memref.alloc() : memref<21x70xf32>
  %r2 = memref.alloc() : memref<21x70xf32>
  %a2_s = arith.constant 1 : index
  call @fill2_300x21(%a2, %a2_s) : (memref<300x21xf32>, index) -> ()
  %b2_s = arith.constant 2 : index
  call @fill2_300x70(%b2, %b2_s) : (memref<300x70xf32>, index) -> ()
  %c2_s = arith.constant 3 : index
  call @fill2_21x70(%c2, %c2_s) : (memref<21x70xf32>, index) -> ()
  %r2_s = arith.constant 3 : index
  call @fill2_21x70(%r2, %r2_s) : (memref<21x70xf32>, index) -> ()
  call @transposed_lhs(%a2, %b2, %c2) : (memref<300x21xf32>, memref<300x70xf32>, memref<21x70xf32>) -> ()
  call @transposed_lhs_ref(%a2, %b2, %r2, %one) : (memref<300x21xf32>, memref<300x70xf32>, memref<21x70xf32>, memref<f32>) -> ()
  %n2 = call @mismatches_21x70(%c2, %r2) : (memref<21x70xf32>, memref<21x70xf32>) -> index
  vector.print str "transposed_lhs mismatches: "
  vector.print %n2 : index
  %a3 = memref.alloc() : memref<33x17xf32>
  %b3 = memref.alloc() : memref<33x33xf32>
  %c3 = memref.alloc() : memref<17x33xf32>
  %r3 = memref.alloc() : memref<17x33xf32>
  %a3_s = arith.constant 1 : index
  call @fill2_33x17(%a3, %a3_s) : (memref<33x17xf32>, index) -> ()
  %b3_s = arith.constant 2 : index
  call @fill2_33x33(%b3, %b3_s) : (memref<33x33xf32>, index) -> ()
  %c3_s = arith.constant 3 : index
  call @fill2_17x33(%c3, %c3_s) : (memref<17x33xf32>, index) -> ()
  %r3_s = arith.constant 3 : index
  call @fill2_17x33(%r3, %r3_s) : (memref<17x33xf32>, index) -> ()
  call @both_transposed(%a3, %b3, %c3) : (memref<33x17xf32>, memref<33x33xf32>, memref<17x33xf32>) -> ()
  call @both_transposed_ref(%a3, %b3, %r3, %one) : (memref<33x17xf32>, memref<33x33xf32>, memref<17x33xf32>, memref<f32>) -> ()
  %n3 = call @mismatches_17x33(%c3, %r3) : (memref<17x33xf32>, memref<17x33xf32>) -> index
  vector.print str "both_transposed mismatches: "
  vector.print %n3 : index
  %a4 = memref.alloc() : memref<3x9x20xf32>
  %b4 = memref.alloc() : memref<3x50x20xf32>
  %c4 = memref.alloc() : memref<3x9x50xf32>
  %r4 = memref.alloc() : memref<3x9x50xf32>
  %a4_s = arith.constant 1 : index
  call @fill3_3x9x20(%a4, %a4_s) : (memref<3x9x20xf32>, index) -> ()
  %b4_s = arith.constant 2 : index
  call @fill3_3x50x20(%b4, %b4_s) : (memref<3x50x20xf32>, index) -> ()
  %c4_s = arith.constant 3 : index
  call @fill3_3x9x50(%c4, %c4_s) : (memref<3x9x50xf32>, index) -> ()
  %r4_s = arith.constant 3 : index
  call @fill3_3x9x50(%r4, %r4_s) : (memref<3x9x50xf32>, index) -> ()
  call @batched_rhs(%a4, %b4, %c4) : (memref<3x9x20xf32>, memref<3x50x20xf32>, memref<3x9x50xf32>) -> ()
  call @batched_rhs_ref(%a4, %b4, %r4, %one) : (memref<3x9x20xf32>, memref<3x50x20xf32>, memref<3x9x50xf32>, memref<f32>) -> ()
  %n4 = call @mismatches_3x9x50(%c4, %r4) : (memref<3x9x50xf32>, memref<3x9x50xf32>) -> index
  vector.print str "batched_rhs mismatches: "
  vector.print %n4 : index
  %a5 = memref.alloc() : memref<512x64xf32>
  %b5 = memref.alloc() : memref<64x576xf32>
  %c5 = memref.alloc() : memref<512x576xf32>
  %r5 = memref.alloc() : memref<512x576xf32>
  %a5_s = arith.constant 1 : index
  call @fill2_512x64(%a5, %a5_s) : (memref<512x64xf32>, index) -> ()
  %b5_s = arith.constant 2 : index
  call @fill2_64x576(%b5, %b5_s) : (memref<64x576xf32>, index) -> ()
  %c5_s = arith.constant 3 : index
  call @fill2_512x576(%c5, %c5_s) : (memref<512x576xf32>, index) -> ()
  %r5_s = arith.constant 3 : index
  call @fill2_512x576(%r5, %r5_s) : (memref<512x576xf32>, index) -> ()
  call @blocked(%a5, %b5, %c5) : (memref<512x64xf32>, memref<64x576xf32>, memref<512x576xf32>) -> ()
  call @blocked_ref(%a5, %b5, %r5, %one) : (memref<512x64xf32>, memref<64x576xf32>, memref<512x576xf32>, memref<f32>) -> ()
  %n5 = call @mismatches_512x576(%c5, %r5) : (memref<512x576xf32>, memref<512x576xf32>) -> index
  vector.print str "blocked mismatches: "
  vector.print %n5 : index
  %a6 = memref.alloc() : memref<1100x256xf32>
  %b6 = memref.alloc() : memref<1100x96xf32>
  %c6 = memref.alloc() : memref<256x96xf32>
  %r6 = memref.alloc() : memref<256x96xf32>
  %a6_s = arith.constant 1 : index
  call @fill2_1100x256(%a6, %a6_s) : (memref<1100x256xf32>, index) -> ()
  %b6_s = arith.constant 2 : index
  call @fill2_1100x96(%b6, %b6_s) : (memref<1100x96xf32>, index) -> ()
  %c6_s = arith.constant 3 : index
  call @fill2_256x96(%c6, %c6_s) : (memref<256x96xf32>, index) -> ()
  %r6_s = arith.constant 3 : index
  call @fill2_256x96(%r6, %r6_s) : (memref<256x96xf32>, index) -> ()
  call @blocked_lhs(%a6, %b6, %c6) : (memref<1100x256xf32>, memref<1100x96xf32>, memref<256x96xf32>) -> ()
  call @blocked_lhs_ref(%a6, %b6, %r6, %one) : (memref<1100x256xf32>, memref<1100x96xf32>, memref<256x96xf32>, memref<f32>) -> ()
  %n6 = call @mismatches_256x96(%c6, %r6) : (memref<256x96xf32>, memref<256x96xf32>) -> index
  vector.print str "blocked_lhs mismatches: "
  vector.print %n6 : index
  %ah = memref.alloc() : memref<2x3x9x20xf32>
  %bh = memref.alloc() : memref<2x20x3x40xf32>
  %ch = memref.alloc() : memref<2x9x3x40xf32>
  %rh = memref.alloc() : memref<2x9x3x40xf32>
  call @fill4_2x3x9x20(%ah, %a6_s) : (memref<2x3x9x20xf32>, index) -> ()
  call @fill4_2x20x3x40(%bh, %b6_s) : (memref<2x20x3x40xf32>, index) -> ()
  call @fill4_2x9x3x40(%ch, %c6_s) : (memref<2x9x3x40xf32>, index) -> ()
  call @fill4_2x9x3x40(%rh, %r6_s) : (memref<2x9x3x40xf32>, index) -> ()
  call @heads_out(%ah, %bh, %ch) : (memref<2x3x9x20xf32>, memref<2x20x3x40xf32>, memref<2x9x3x40xf32>) -> ()
  call @heads_out_ref(%ah, %bh, %rh, %one) : (memref<2x3x9x20xf32>, memref<2x20x3x40xf32>, memref<2x9x3x40xf32>, memref<f32>) -> ()
  %nh = call @mismatches4_2x9x3x40(%ch, %rh) : (memref<2x9x3x40xf32>, memref<2x9x3x40xf32>) -> index
  vector.print str "heads_out mismatches: "
  vector.print %nh : index
  %c7 = memref.alloc() : memref<20x40xf32>
  %r7 = memref.alloc() : memref<20x40xf32>
  call @fill2_20x40(%c7, %c0_s) : (memref<20x40xf32>, index) -> ()
  call @fill2_20x40(%r7, %r0_s) : (memref<20x40xf32>, index) -> ()
  call @zero_filled(%a0, %b0, %c7) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>) -> ()
  call @zero_filled_ref(%a0, %b0, %r7, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  %n7 = call @mismatches_20x40(%c7, %r7) : (memref<20x40xf32>, memref<20x40xf32>) -> index
  vector.print str "zero_filled mismatches: "
  vector.print %n7 : index
  %bias8 = memref.alloc() : memref<40xf32>
  call @fill1_40(%bias8) : (memref<40xf32>) -> ()
  %c8 = memref.alloc() : memref<20x40xf32>
  %r8 = memref.alloc() : memref<20x40xf32>
  call @fill2_20x40(%c8, %c0_s) : (memref<20x40xf32>, index) -> ()
  call @fill2_20x40(%r8, %r0_s) : (memref<20x40xf32>, index) -> ()
  call @bias_init(%a0, %b0, %bias8, %c8) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<40xf32>, memref<20x40xf32>) -> ()
  call @bias_init_ref(%a0, %b0, %bias8, %r8, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  %n8 = call @mismatches_20x40(%c8, %r8) : (memref<20x40xf32>, memref<20x40xf32>) -> index
  vector.print str "bias_init mismatches: "
  vector.print %n8 : index
  %true = arith.constant true
  %false = arith.constant false
  %aq0 = memref.alloc() : memref<2x150x120xf32>
  %aq0_s = arith.constant 1 : index
  call @cfill3_2x150x120(%aq0, %aq0_s, %false) : (memref<2x150x120xf32>, index, i1) -> ()
  %bq0 = memref.alloc() : memref<2x150x120xf32>
  %bq0_s = arith.constant 2 : index
  call @cfill3_2x150x120(%bq0, %bq0_s, %false) : (memref<2x150x120xf32>, index, i1) -> ()
  %cq0 = memref.alloc() : memref<2x150x150xf32>
  %cq0_s = arith.constant 3 : index
  call @cfill3_2x150x150(%cq0, %cq0_s, %false) : (memref<2x150x150xf32>, index, i1) -> ()
  %rq0 = memref.alloc() : memref<2x150x150xf32>
  %rq0_s = arith.constant 3 : index
  call @cfill3_2x150x150(%rq0, %rq0_s, %false) : (memref<2x150x150xf32>, index, i1) -> ()
  call @causal_scores(%aq0, %bq0, %cq0) : (memref<2x150x120xf32>, memref<2x150x120xf32>, memref<2x150x150xf32>) -> ()
  call @causal_scores_ref(%aq0, %bq0, %rq0, %one) : (memref<2x150x120xf32>, memref<2x150x120xf32>, memref<2x150x150xf32>, memref<f32>) -> ()
  %nq0 = call @causal_mismatches_2x150x150(%cq0, %rq0, %true) : (memref<2x150x150xf32>, memref<2x150x150xf32>, i1) -> index
  vector.print str "causal_scores mismatches: "
  vector.print %nq0 : index
  %aq1 = memref.alloc() : memref<1x129x16xf32>
  %aq1_s = arith.constant 1 : index
  call @cfill3_1x129x16(%aq1, %aq1_s, %false) : (memref<1x129x16xf32>, index, i1) -> ()
  %bq1 = memref.alloc() : memref<1x129x16xf32>
  %bq1_s = arith.constant 2 : index
  call @cfill3_1x129x16(%bq1, %bq1_s, %false) : (memref<1x129x16xf32>, index, i1) -> ()
  %cq1 = memref.alloc() : memref<1x129x129xf32>
  %cq1_s = arith.constant 3 : index
  call @cfill3_1x129x129(%cq1, %cq1_s, %false) : (memref<1x129x129xf32>, index, i1) -> ()
  %rq1 = memref.alloc() : memref<1x129x129xf32>
  %rq1_s = arith.constant 3 : index
  call @cfill3_1x129x129(%rq1, %rq1_s, %false) : (memref<1x129x129xf32>, index, i1) -> ()
  call @causal_scores_129(%aq1, %bq1, %cq1) : (memref<1x129x16xf32>, memref<1x129x16xf32>, memref<1x129x129xf32>) -> ()
  call @causal_scores_129_ref(%aq1, %bq1, %rq1, %one) : (memref<1x129x16xf32>, memref<1x129x16xf32>, memref<1x129x129xf32>, memref<f32>) -> ()
  %nq1 = call @causal_mismatches_1x129x129(%cq1, %rq1, %true) : (memref<1x129x129xf32>, memref<1x129x129xf32>, i1) -> index
  vector.print str "causal_scores_129 mismatches: "
  vector.print %nq1 : index
  %aq2 = memref.alloc() : memref<2x150x150xf32>
  %aq2_s = arith.constant 1 : index
  call @cfill3_2x150x150(%aq2, %aq2_s, %true) : (memref<2x150x150xf32>, index, i1) -> ()
  %bq2 = memref.alloc() : memref<2x150x40xf32>
  %bq2_s = arith.constant 2 : index
  call @cfill3_2x150x40(%bq2, %bq2_s, %false) : (memref<2x150x40xf32>, index, i1) -> ()
  %cq2 = memref.alloc() : memref<2x150x40xf32>
  %cq2_s = arith.constant 3 : index
  call @cfill3_2x150x40(%cq2, %cq2_s, %false) : (memref<2x150x40xf32>, index, i1) -> ()
  %rq2 = memref.alloc() : memref<2x150x40xf32>
  %rq2_s = arith.constant 3 : index
  call @cfill3_2x150x40(%rq2, %rq2_s, %false) : (memref<2x150x40xf32>, index, i1) -> ()
  call @causal_pv(%aq2, %bq2, %cq2) : (memref<2x150x150xf32>, memref<2x150x40xf32>, memref<2x150x40xf32>) -> ()
  call @causal_pv_ref(%aq2, %bq2, %rq2, %one) : (memref<2x150x150xf32>, memref<2x150x40xf32>, memref<2x150x40xf32>, memref<f32>) -> ()
  %nq2 = call @causal_mismatches_2x150x40(%cq2, %rq2, %false) : (memref<2x150x40xf32>, memref<2x150x40xf32>, i1) -> index
  vector.print str "causal_pv mismatches: "
  vector.print %nq2 : index
  %aq3 = memref.alloc() : memref<2x150x150xf32>
  %aq3_s = arith.constant 1 : index
  call @cfill3_2x150x150(%aq3, %aq3_s, %true) : (memref<2x150x150xf32>, index, i1) -> ()
  %bq3 = memref.alloc() : memref<2x150x40xf32>
  %bq3_s = arith.constant 2 : index
  call @cfill3_2x150x40(%bq3, %bq3_s, %false) : (memref<2x150x40xf32>, index, i1) -> ()
  %cq3 = memref.alloc() : memref<2x150x40xf32>
  %cq3_s = arith.constant 3 : index
  call @cfill3_2x150x40(%cq3, %cq3_s, %false) : (memref<2x150x40xf32>, index, i1) -> ()
  %rq3 = memref.alloc() : memref<2x150x40xf32>
  %rq3_s = arith.constant 3 : index
  call @cfill3_2x150x40(%rq3, %rq3_s, %false) : (memref<2x150x40xf32>, index, i1) -> ()
  call @causal_pt(%aq3, %bq3, %cq3) : (memref<2x150x150xf32>, memref<2x150x40xf32>, memref<2x150x40xf32>) -> ()
  call @causal_pt_ref(%aq3, %bq3, %rq3, %one) : (memref<2x150x150xf32>, memref<2x150x40xf32>, memref<2x150x40xf32>, memref<f32>) -> ()
  %nq3 = call @causal_mismatches_2x150x40(%cq3, %rq3, %false) : (memref<2x150x40xf32>, memref<2x150x40xf32>, i1) -> index
  vector.print str "causal_pt mismatches: "
  vector.print %nq3 : index
  %aq4 = memref.alloc() : memref<1x1030x1030xf32>
  %aq4_s = arith.constant 1 : index
  call @cfill3_1x1030x1030(%aq4, %aq4_s, %true) : (memref<1x1030x1030xf32>, index, i1) -> ()
  %bq4 = memref.alloc() : memref<1x1030x24xf32>
  %bq4_s = arith.constant 2 : index
  call @cfill3_1x1030x24(%bq4, %bq4_s, %false) : (memref<1x1030x24xf32>, index, i1) -> ()
  %cq4 = memref.alloc() : memref<1x1030x24xf32>
  %cq4_s = arith.constant 3 : index
  call @cfill3_1x1030x24(%cq4, %cq4_s, %false) : (memref<1x1030x24xf32>, index, i1) -> ()
  %rq4 = memref.alloc() : memref<1x1030x24xf32>
  %rq4_s = arith.constant 3 : index
  call @cfill3_1x1030x24(%rq4, %rq4_s, %false) : (memref<1x1030x24xf32>, index, i1) -> ()
  call @causal_pv_long(%aq4, %bq4, %cq4) : (memref<1x1030x1030xf32>, memref<1x1030x24xf32>, memref<1x1030x24xf32>) -> ()
  call @causal_pv_long_ref(%aq4, %bq4, %rq4, %one) : (memref<1x1030x1030xf32>, memref<1x1030x24xf32>, memref<1x1030x24xf32>, memref<f32>) -> ()
  %nq4 = call @causal_mismatches_1x1030x24(%cq4, %rq4, %false) : (memref<1x1030x24xf32>, memref<1x1030x24xf32>, i1) -> index
  vector.print str "causal_pv_long mismatches: "
  vector.print %nq4 : index
  %c9 = memref.alloc() : memref<20x40xf32>
  %r9 = memref.alloc() : memref<20x40xf32>
  %d9 = memref.alloc() : memref<20x40xf32>
  %e9 = memref.alloc() : memref<20x40xf32>
  call @fill2_20x40(%c9, %c0_s) : (memref<20x40xf32>, index) -> ()
  call @fill2_20x40(%r9, %r0_s) : (memref<20x40xf32>, index) -> ()
  call @epilogue_act(%a0, %b0, %c9, %d9) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<20x40xf32>) -> ()
  call @epilogue_act_ref(%a0, %b0, %r9, %e9, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  %n9 = call @mismatches_20x40(%c9, %r9) : (memref<20x40xf32>, memref<20x40xf32>) -> index
  %m9 = call @mismatches_20x40(%d9, %e9) : (memref<20x40xf32>, memref<20x40xf32>) -> index
  vector.print str "epilogue_act mismatches: "
  vector.print %n9 : index punctuation <no_punctuation>
  vector.print str " "
  vector.print %m9 : index
  %pre10 = memref.alloc() : memref<20x40xf32>
  %pre10_s = arith.constant 5 : index
  call @fill2_20x40(%pre10, %pre10_s) : (memref<20x40xf32>, index) -> ()
  %c10 = memref.alloc() : memref<20x40xf32>
  %r10 = memref.alloc() : memref<20x40xf32>
  call @epilogue_grad(%a0, %b0, %pre10, %c10) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<20x40xf32>) -> ()
  call @epilogue_grad_ref(%a0, %b0, %pre10, %r10, %one) : (memref<20x1030xf32>, memref<1030x40xf32>, memref<20x40xf32>, memref<20x40xf32>, memref<f32>) -> ()
  %n10 = call @mismatches_20x40(%c10, %r10) : (memref<20x40xf32>, memref<20x40xf32>) -> index
  vector.print str "epilogue_grad mismatches: "
  vector.print %n10 : index
  return
}

// fill<rank>_<shape>: entry (i, j, l) = ((seed + 7i + 3j + 5l) mod 11 - 5)
// / 4.
func.func @fill3_3x9x20(%m: memref<3x9x20xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<3x9x20xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill3_3x9x50(%m: memref<3x9x50xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<3x9x50xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill3_3x50x20(%m: memref<3x50x20xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%m : memref<3x50x20xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %i2 = linalg.index 2 : index
    %k2 = arith.constant 5 : index
    %t2 = arith.muli %i2, %k2 : index
    %u2 = arith.addi %u1, %t2 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u2, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_17x33(%m: memref<17x33xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<17x33xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_19x37(%m: memref<19x37xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<19x37xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_19x45(%m: memref<19x45xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<19x45xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_20x40(%m: memref<20x40xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<20x40xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_20x1030(%m: memref<20x1030xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<20x1030xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_21x70(%m: memref<21x70xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<21x70xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_33x17(%m: memref<33x17xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<33x17xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_33x33(%m: memref<33x33xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<33x33xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_45x37(%m: memref<45x37xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<45x37xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_64x576(%m: memref<64x576xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<64x576xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_256x96(%m: memref<256x96xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<256x96xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_300x21(%m: memref<300x21xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<300x21xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_300x70(%m: memref<300x70xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<300x70xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_512x64(%m: memref<512x64xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<512x64xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_512x576(%m: memref<512x576xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<512x576xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_1030x40(%m: memref<1030x40xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<1030x40xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_1100x96(%m: memref<1100x96xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<1100x96xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill2_1100x256(%m: memref<1100x256xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%m : memref<1100x256xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %k0 = arith.constant 7 : index
    %t0 = arith.muli %i0, %k0 : index
    %u0 = arith.addi %seed, %t0 : index
    %i1 = linalg.index 1 : index
    %k1 = arith.constant 3 : index
    %t1 = arith.muli %i1, %k1 : index
    %u1 = arith.addi %u0, %t1 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u1, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @mismatches_3x9x50(%x: memref<3x9x50xf32>, %y: memref<3x9x50xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]}
      ins(%x, %y : memref<3x9x50xf32>, memref<3x9x50xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @mismatches_17x33(%x: memref<17x33xf32>, %y: memref<17x33xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%x, %y : memref<17x33xf32>, memref<17x33xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @mismatches_19x45(%x: memref<19x45xf32>, %y: memref<19x45xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%x, %y : memref<19x45xf32>, memref<19x45xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @mismatches_20x40(%x: memref<20x40xf32>, %y: memref<20x40xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%x, %y : memref<20x40xf32>, memref<20x40xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @mismatches_21x70(%x: memref<21x70xf32>, %y: memref<21x70xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%x, %y : memref<21x70xf32>, memref<21x70xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @mismatches_256x96(%x: memref<256x96xf32>, %y: memref<256x96xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%x, %y : memref<256x96xf32>, memref<256x96xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @mismatches_512x576(%x: memref<512x576xf32>, %y: memref<512x576xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%x, %y : memref<512x576xf32>, memref<512x576xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

func.func @fill4_2x3x9x20(%m: memref<2x3x9x20xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%m : memref<2x3x9x20xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %k0 = arith.constant 7 : index
    %k1 = arith.constant 3 : index
    %k2 = arith.constant 5 : index
    %k3 = arith.constant 2 : index
    %t0 = arith.muli %i0, %k0 : index
    %t1 = arith.muli %i1, %k1 : index
    %t2 = arith.muli %i2, %k2 : index
    %t3 = arith.muli %i3, %k3 : index
    %u0 = arith.addi %seed, %t0 : index
    %u1 = arith.addi %u0, %t1 : index
    %u2 = arith.addi %u1, %t2 : index
    %u3 = arith.addi %u2, %t3 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u3, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill4_2x20x3x40(%m: memref<2x20x3x40xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%m : memref<2x20x3x40xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %k0 = arith.constant 7 : index
    %k1 = arith.constant 3 : index
    %k2 = arith.constant 5 : index
    %k3 = arith.constant 2 : index
    %t0 = arith.muli %i0, %k0 : index
    %t1 = arith.muli %i1, %k1 : index
    %t2 = arith.muli %i2, %k2 : index
    %t3 = arith.muli %i3, %k3 : index
    %u0 = arith.addi %seed, %t0 : index
    %u1 = arith.addi %u0, %t1 : index
    %u2 = arith.addi %u1, %t2 : index
    %u3 = arith.addi %u2, %t3 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u3, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @fill4_2x9x3x40(%m: memref<2x9x3x40xf32>, %seed: index) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%m : memref<2x9x3x40xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %k0 = arith.constant 7 : index
    %k1 = arith.constant 3 : index
    %k2 = arith.constant 5 : index
    %k3 = arith.constant 2 : index
    %t0 = arith.muli %i0, %k0 : index
    %t1 = arith.muli %i1, %k1 : index
    %t2 = arith.muli %i2, %k2 : index
    %t3 = arith.muli %i3, %k3 : index
    %u0 = arith.addi %seed, %t0 : index
    %u1 = arith.addi %u0, %t1 : index
    %u2 = arith.addi %u1, %t2 : index
    %u3 = arith.addi %u2, %t3 : index
    %c11 = arith.constant 11 : index
    %r = arith.remui %u3, %c11 : index
    %ri = arith.index_cast %r : index to i32
    %rf = arith.sitofp %ri : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %c4 = arith.constant 0.25 : f32
    %d = arith.subf %rf, %c5 : f32
    %v = arith.mulf %d, %c4 : f32
    linalg.yield %v : f32
  }
  return
}

func.func @mismatches4_2x9x3x40(%x: memref<2x9x3x40xf32>, %y: memref<2x9x3x40xf32>) -> index {
  %acc = memref.alloc() : memref<i64>
  %z = arith.constant 0 : i64
  memref.store %z, %acc[] : memref<i64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> ()>], iterator_types = ["reduction", "reduction", "reduction", "reduction"]}
      ins(%x, %y : memref<2x9x3x40xf32>, memref<2x9x3x40xf32>) outs(%acc : memref<i64>) {
  ^bb0(%p: f32, %q: f32, %n: i64):
    %ne = arith.cmpf une, %p, %q : f32
    %e = arith.extui %ne : i1 to i64
    %s = arith.addi %n, %e : i64
    linalg.yield %s : i64
  }
  %v = memref.load %acc[] : memref<i64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}
