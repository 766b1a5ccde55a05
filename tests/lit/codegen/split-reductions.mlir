// RUN: myelin-opt %s --pass-pipeline='builtin.module(func.func(myelin-split-reductions{min-work=1}))' | FileCheck %s
// RUN: myelin-opt %s --pass-pipeline='builtin.module(func.func(myelin-split-reductions))' | FileCheck %s --check-prefix=BIG

// A bias gradient, db[n] += dy[r, n]: the 64 rows become 16 chunks of 4,
// summed in parallel into a 16 x 32 partial, then added into db.
// CHECK-DAG: #[[X3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[P3:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bias_grad(
// CHECK-SAME: %[[DY:.*]]: memref<64x32xf32>, %[[DB:.*]]: memref<32xf32>)
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16x32xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[P]] : memref<16x32xf32>)
// CHECK: %[[E:.*]] = memref.expand_shape %[[DY]] {{\[}}[0, 1], [2]] output_shape [16, 4, 32] : memref<64x32xf32> into memref<16x4x32xf32>
// CHECK: linalg.generic {indexing_maps = [#[[X3]], #[[P3]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[E]] : memref<16x4x32xf32>) outs(%[[P]] : memref<16x32xf32>)
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[LAST]]], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME: ins(%[[P]] : memref<16x32xf32>) outs(%[[DB]] : memref<32xf32>)
// CHECK: memref.dealloc %[[P]]
// CHECK-NOT: linalg.generic
// CHECK: return
// BIG-LABEL: func.func @bias_grad(
// BIG-NOT: memref.alloc
// BIG: return
func.func @bias_grad(%dy: memref<64x32xf32>, %db: memref<32xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%dy : memref<64x32xf32>) outs(%db : memref<32xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return
}

// A squared norm into a scalar: 24 rows -> 12 chunks of 2; the body (x * x)
// is kept; the partial is a vector of 12.
// CHECK-LABEL: func.func @norm(
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<12xf32>
// CHECK: memref.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [12, 2, 8] : memref<24x8xf32> into memref<12x2x8xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[P]] : memref<12xf32>) outs(%{{.*}} : memref<f32>)
func.func @norm(%g: memref<24x8xf32>, %out: memref<f32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%g : memref<24x8xf32>) outs(%out : memref<f32>) {
  ^bb0(%x: f32, %acc: f32):
    %sq = arith.mulf %x, %x fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %sq fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}

// The reduced dimension in the middle of an operand, and an input that
// does not read it (broadcast along the reduction).
// CHECK-LABEL: func.func @inner_position(
// CHECK: memref.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [8, 16, 2] : memref<8x32xf32> into memref<8x16x2xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : memref<8x16x2xf32>, memref<8xf32>) outs(%{{.*}} : memref<16x8xf32>)
func.func @inner_position(%x: memref<8x32xf32>, %w: memref<8xf32>, %y: memref<8xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (n, r)>, affine_map<(r, n) -> (n)>,
                       affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%x, %w : memref<8x32xf32>, memref<8xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b fastmath<reassoc> : f32
    %s = arith.addf %m, %acc fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return
}

// Left alone: an add without `reassoc` (the order would change), an outer
// parallel loop (already split over threads), a size without a divisor in
// [2, 16], a combiner that is not an add, the accumulator read twice.
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: memref.alloc
// CHECK-NOT: expand_shape
// CHECK: return
func.func @kept(%x: memref<64x32xf32>, %y: memref<32xf32>, %z: memref<64xf32>,
                %p: memref<17x32xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<64x32xf32>) outs(%y : memref<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  }
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (r)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<64x32xf32>) outs(%z : memref<64xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%p : memref<17x32xf32>) outs(%y : memref<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<64x32xf32>) outs(%y : memref<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.maximumf %acc, %a fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<64x32xf32>) outs(%y : memref<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %m = arith.mulf %acc, %a fastmath<reassoc> : f32
    %s = arith.addf %acc, %m fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return
}
