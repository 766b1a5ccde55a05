// RUN: myelin-opt %s --split-input-file --myelin-collapse-dims | FileCheck %s
// myelin-collapse-dims keeps myelin.causal where the merged dimensions are
// batch dimensions, and drops it where one of them is a dimension it speaks
// of (C's last two, the reduction).

// Attention scores [B, H, T, T]: B and H merge, m, n and k keep their roles.
// CHECK-LABEL: func.func @batch_merged
// CHECK:       linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : memref<8x16x4xf32>, memref<8x16x4xf32>) outs(%{{.*}} : memref<8x16x16xf32>) attrs = {{ *}}{myelin.causal = "n_le_m"}
func.func @batch_merged(%a: memref<2x4x16x4xf32>, %b: memref<2x4x16x4xf32>, %c: memref<2x4x16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, h, m, n, k) -> (b, h, m, k)>, affine_map<(b, h, m, n, k) -> (b, h, n, k)>, affine_map<(b, h, m, n, k) -> (b, h, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x4x16x4xf32>, memref<2x4x16x4xf32>) outs(%c : memref<2x4x16x16xf32>) attrs = {myelin.causal = "n_le_m"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The rows of C and of A merge with an outer dimension (as a linear layer's
// [B, T] rows do): m changes, so the attribute goes; others stay.
// CHECK-LABEL: func.func @rows_merged
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : memref<32x16xf32>) attrs = {{ *}}{myelin.work = 7 : i64}
// CHECK-NOT:   myelin.causal
func.func @rows_merged(%a: memref<2x16x16xf32>, %b: memref<16x16xf32>, %c: memref<2x16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, m, n, k) -> (t, m, k)>, affine_map<(t, m, n, k) -> (k, n)>, affine_map<(t, m, n, k) -> (t, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x16x16xf32>, memref<16x16xf32>) outs(%c : memref<2x16x16xf32>) attrs = {myelin.causal = "k_le_m", myelin.work = 7 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}
