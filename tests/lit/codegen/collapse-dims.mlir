// RUN: myelin-opt %s --pass-pipeline='builtin.module(func.func(myelin-collapse-dims))' | FileCheck %s

// A linear whose output is split into heads becomes one matrix product:
// (b, t) -> m and (h, d) -> n.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @heads(
// CHECK-DAG: %[[X:.*]] = memref.collapse_shape %arg0 {{\[}}[0, 1], [2]] : memref<2x8x16xf32> into memref<16x16xf32>
// CHECK-DAG: %[[W:.*]] = memref.collapse_shape %arg1 {{\[}}[0], [1, 2]] : memref<16x4x8xf32> into memref<16x32xf32>
// CHECK-DAG: %[[Y:.*]] = memref.collapse_shape %arg2 {{\[}}[0, 1], [2, 3]] : memref<2x8x4x8xf32> into memref<16x32xf32>
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[W]] : memref<16x16xf32>, memref<16x32xf32>) outs(%[[Y]] : memref<16x32xf32>)
// CHECK-SAME: myelin.work
func.func @heads(%x: memref<2x8x16xf32>, %w: memref<16x4x8xf32>, %y: memref<2x8x4x8xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(b, t, k, h, d) -> (b, t, k)>,
                       affine_map<(b, t, k, h, d) -> (k, h, d)>,
                       affine_map<(b, t, k, h, d) -> (b, t, h, d)>],
      iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<2x8x16xf32>, memref<16x4x8xf32>) outs(%y : memref<2x8x4x8xf32>) attrs = {myelin.work = 1 : i64} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}

// A transpose keeps its dimensions: (t, h) is contiguous in the input but
// not in the output; only the trailing d could merge, and it is alone.
// CHECK-LABEL: func.func @transpose(
// CHECK-NOT: collapse_shape
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
func.func @transpose(%x: memref<2x8x4x8xf32>, %y: memref<2x4x8x8xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(b, t, h, d) -> (b, t, h, d)>,
                       affine_map<(b, t, h, d) -> (b, h, t, d)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<2x8x4x8xf32>) outs(%y : memref<2x4x8x8xf32>) {
  ^bb0(%a: f32, %c: f32):
    linalg.yield %a : f32
  }
  return
}

// Elementwise over all dimensions: one loop. Strided buffers are left alone.
// CHECK-LABEL: func.func @elementwise(
// CHECK: iterator_types = ["parallel"]}
// CHECK-LABEL: func.func @strided(
// CHECK-NOT: collapse_shape
func.func @elementwise(%x: memref<2x8x4xf32>, %y: memref<2x8x4xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> (a, b, c)>],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<2x8x4xf32>) outs(%y : memref<2x8x4xf32>) {
  ^bb0(%a: f32, %c: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return
}
func.func @strided(%x: memref<2x8xf32, strided<[16, 1]>>, %y: memref<2x8xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<2x8xf32, strided<[16, 1]>>) outs(%y : memref<2x8xf32>) {
  ^bb0(%a: f32, %c: f32):
    linalg.yield %a : f32
  }
  return
}

// A constant index (the first column of a row) keeps all dimensions.
// CHECK-LABEL: func.func @constant_index(
// CHECK-NOT: collapse_shape
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
func.func @constant_index(%x: memref<2x8x4xf32>, %y: memref<2x8xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> (a, b, 0)>,
                       affine_map<(a, b, c) -> (a, b)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %x : memref<2x8x4xf32>, memref<2x8x4xf32>) outs(%y : memref<2x8xf32>) {
  ^bb0(%a: f32, %f: f32, %c: f32):
    %d = arith.subf %a, %f : f32
    %s = arith.addf %c, %d : f32
    linalg.yield %s : f32
  }
  return
}
