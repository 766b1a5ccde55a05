// Kernel outlining: named by layer and role, distinct buffers noalias,
// identical kernels shared.
// RUN: myelin-opt %s --myelin-outline-kernels --split-input-file | FileCheck %s
// RUN: myelin-opt %s --myelin-outline-kernels=merge-repeats=false --split-input-file | FileCheck %s --check-prefix=DISTINCT

#map = affine_map<(d0, d1) -> (d0, d1)>
#h1fwd = loc(fused<"linear_fwd">["h1"("m.nn":3:8)])
#h1relu = loc(fused<"relu_fwd">["h1"("m.nn":3:8)])
#h2fwd = loc(fused<"linear_fwd">["h2"("m.nn":4:8)])

// CHECK-LABEL: func.func private @h1_linear_fwd(
// CHECK-SAME: %[[OUT:.*]]: memref<4x8xf32> {llvm.noalias}, %[[X:.*]]: memref<4x8xf32> {llvm.noalias})
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, myelin.kernel, passthrough = ["noinline"]}
// CHECK: %[[C:.*]] = arith.constant 0.0
// CHECK: linalg.fill ins(%[[C]] : f32) outs(%[[OUT]]
// CHECK: linalg.generic
// CHECK: return
// CHECK-LABEL: func.func private @h1_relu_fwd(
// CHECK-LABEL: func.func @entry(
// CHECK-SAME: %[[A:[^:]*]]: memref<4x8xf32>
// CHECK: %[[T:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: %[[U:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: call @h1_linear_fwd(%[[T]], %[[A]])
// CHECK-NEXT: memref.dealloc %[[U]]
// CHECK-NEXT: call @h1_relu_fwd(%[[T]])
func.func @entry(%a: memref<4x8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%c0 : f32) outs(%t : memref<4x8xf32>) loc(#h1fwd)
  %u = memref.alloc() : memref<4x8xf32>
  memref.dealloc %u : memref<4x8xf32>
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x8xf32>) outs(%t : memref<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } loc(#h1fwd)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel", "parallel"]}
      outs(%t : memref<4x8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#h1relu)
  memref.dealloc %t : memref<4x8xf32>
  return
}

// -----

// Views of a buffer are rebuilt inside the kernel from the buffer itself;
// a scalar the entry computes is an argument; an op that reads memory ends
// the group.
#map = affine_map<(d0, d1) -> (d0, d1)>
#h2 = loc(fused<"scale_fwd">["h2"("m.nn":4:8)])

// CHECK-LABEL: func.func private @h2_scale_fwd(
// CHECK-SAME: %[[B:.*]]: memref<32xf32> {llvm.noalias}, %[[S:.*]]: f32)
// CHECK: %[[V:.*]] = memref.expand_shape %[[B]]
// CHECK: linalg.generic {{.*}} outs(%[[V]] : memref<4x8xf32>)
// CHECK: arith.mulf %{{.*}}, %[[S]]
// CHECK-LABEL: func.func private @h2_scale_fwd_1(
// CHECK-LABEL: func.func @views(
// CHECK: %[[L:.*]] = memref.load
// CHECK: call @h2_scale_fwd(%{{.*}}, %[[L]])
// CHECK: memref.load
// CHECK: call @h2_scale_fwd_1(
func.func @views(%b: memref<32xf32> {llvm.noalias}, %s: memref<f32> {llvm.noalias}) {
  %v = memref.expand_shape %b [[0, 1]] output_shape [4, 8] : memref<32xf32> into memref<4x8xf32>
  %scale = memref.load %s[] : memref<f32>
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel", "parallel"]}
      outs(%v : memref<4x8xf32>) {
  ^bb0(%out: f32):
    %r = arith.mulf %out, %scale : f32
    linalg.yield %r : f32
  } loc(#h2)
  %again = memref.load %s[] : memref<f32>
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel", "parallel"]}
      outs(%v : memref<4x8xf32>) {
  ^bb0(%out: f32):
    %r = arith.addf %out, %again : f32
    linalg.yield %r : f32
  } loc(#h2)
  return
}

// -----

// The same kernel in two entry points is emitted once.
#map = affine_map<(d0) -> (d0)>
#h3 = loc(fused<"relu_fwd">["h3"("m.nn":5:8)])

// CHECK-LABEL: func.func private @h3_relu_fwd(
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @train(
// CHECK: call @h3_relu_fwd(
// CHECK-LABEL: func.func @eval(
// CHECK: call @h3_relu_fwd(
func.func @train(%x: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%x : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#h3)
  return
}
func.func @eval(%y: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%y : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#h3)
  return
}

// -----

// A buffer reached through a view with a dynamic offset is not a distinct
// root: no argument of that kernel is marked noalias. An op without layer
// or role is named after itself.
// CHECK-LABEL: func.func private @copy(
// CHECK-SAME: %{{.*}}: memref<16xf32>, %{{.*}}: memref<8xf32, strided<[1], offset: ?>>)
// CHECK-LABEL: func.func @dynamic(
// CHECK: call @copy(%arg0, %subview)
func.func @dynamic(%x: memref<16xf32> {llvm.noalias}, %i: index) {
  %v = memref.subview %x[%i] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: ?>>
  %w = memref.subview %x[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  memref.copy %w, %v : memref<8xf32, strided<[1]>> to memref<8xf32, strided<[1], offset: ?>>
  return
}

// -----

// Repeated layers (names that differ only in their indices) share a kernel
// when the bodies are equal; its name lists the indices, consecutive ones as
// a range. A layer whose body differs keeps its own kernel, and layers with
// other names are never merged, even with equal bodies. merge-repeats=false
// keeps one kernel per layer.
#map = affine_map<(d0) -> (d0)>
#fc0 = loc(fused<"relu_fwd">["blocks.0.fc"("m.nn":5:8)])
#fc1 = loc(fused<"relu_fwd">["blocks.1.fc"("m.nn":5:8)])
#fc2 = loc(fused<"relu_fwd">["blocks.2.fc"("m.nn":5:8)])
#fc3 = loc(fused<"relu_fwd">["blocks.3.fc"("m.nn":5:8)])
#ln0 = loc(fused<"scale_fwd">["blocks.0.ln"("m.nn":6:8)])
#ln1 = loc(fused<"scale_fwd">["blocks.1.ln"("m.nn":6:8)])
#ln2 = loc(fused<"scale_fwd">["blocks.2.ln"("m.nn":6:8)])
#h1 = loc(fused<"relu_fwd">["h1"("m.nn":7:8)])
#h2 = loc(fused<"relu_fwd">["h2"("m.nn":8:8)])

// CHECK-LABEL: func.func private @blocks_0to2_fc_relu_fwd(
// CHECK-LABEL: func.func private @blocks_3_fc_relu_fwd(
// CHECK-LABEL: func.func private @blocks_0and2_ln_scale_fwd(
// CHECK-LABEL: func.func private @blocks_1_ln_scale_fwd(
// CHECK-LABEL: func.func private @h1_relu_fwd(
// CHECK-LABEL: func.func private @h2_relu_fwd(
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @repeats(
// CHECK: call @blocks_0to2_fc_relu_fwd(%arg0)
// CHECK-NEXT: call @blocks_0to2_fc_relu_fwd(%arg1)
// CHECK-NEXT: call @blocks_0to2_fc_relu_fwd(%arg2)
// CHECK-NEXT: call @blocks_3_fc_relu_fwd(%arg3)
// CHECK-NEXT: call @blocks_0and2_ln_scale_fwd(%arg0)
// CHECK-NEXT: call @blocks_1_ln_scale_fwd(%arg1)
// CHECK-NEXT: call @blocks_0and2_ln_scale_fwd(%arg2)
// CHECK-NEXT: call @h1_relu_fwd(%arg0)
// CHECK-NEXT: call @h2_relu_fwd(%arg1)
// CHECK-NEXT: return

// DISTINCT-LABEL: func.func @repeats(
// DISTINCT: call @blocks_0_fc_relu_fwd(%arg0)
// DISTINCT-NEXT: call @blocks_1_fc_relu_fwd(%arg1)
// DISTINCT-NEXT: call @blocks_2_fc_relu_fwd(%arg2)
// DISTINCT-NEXT: call @blocks_3_fc_relu_fwd(%arg3)
// DISTINCT-NEXT: call @blocks_0_ln_scale_fwd(%arg0)
// DISTINCT-NEXT: call @blocks_1_ln_scale_fwd(%arg1)
// DISTINCT-NEXT: call @blocks_2_ln_scale_fwd(%arg2)
func.func @repeats(%a: memref<8xf32> {llvm.noalias}, %b: memref<8xf32> {llvm.noalias},
                   %c: memref<8xf32> {llvm.noalias}, %d: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0.0 : f32
  %c2 = arith.constant 2.0 : f32
  %c3 = arith.constant 3.0 : f32
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%a : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#fc0)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%b : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#fc1)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%c : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#fc2)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%d : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c2 : f32
    linalg.yield %r : f32
  } loc(#fc3)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%a : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.mulf %out, %c2 : f32
    linalg.yield %r : f32
  } loc(#ln0)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%b : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.mulf %out, %c3 : f32
    linalg.yield %r : f32
  } loc(#ln1)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%c : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.mulf %out, %c2 : f32
    linalg.yield %r : f32
  } loc(#ln2)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%a : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#h1)
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%b : memref<8xf32>) {
  ^bb0(%out: f32):
    %r = arith.maximumf %out, %c0 : f32
    linalg.yield %r : f32
  } loc(#h2)
  return
}
