// One optimizer kernel over all parameters: the marked updates become one
// parallel loop over a chunk table.
// RUN: myelin-opt %s --myelin-fuse-updates=chunk-elements=16 --split-input-file --verify-diagnostics | FileCheck %s
// RUN: myelin-opt %s --myelin-fuse-updates=chunk-elements=16 --myelin-outline-kernels --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=KERNEL
// RUN: not myelin-opt %s --myelin-fuse-updates=chunk-elements=0 --split-input-file 2>&1 | FileCheck %s --check-prefix=BADCHUNK

#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0) -> (d0)>
#w = loc(fused<"sgd_update">["w"("m.nn":3:8)])
#b = loc(fused<"sgd_update">["b"("m.nn":3:8)])
#g = loc(fused<"sgd_update">["g"("m.nn":4:8)])

// Update i owns chunks at offsets 0, 16, ...: w (32 elements) two full
// ones, b (20) a full one and a 4-element one, g (3) one of its own size.
// The table's rows: the class of the chunk's update (updates of equal work
// share one, see below; here each is its own), the update's index in its
// class, the chunk's offset.
// CHECK: memref.global "private" constant @__myelin_update_chunks : memref<3x5xi64> = dense<{{\[}}[0, 0, 1, 1, 2], [0, 0, 0, 0, 0], [0, 16, 0, 16, 0]]>
// CHECK-LABEL: func.func @step(
// CHECK-SAME: %[[W:[^:]*]]: memref<4x8xf32> {llvm.noalias}, %[[WM:[^:]*]]: memref<4x8xf32> {llvm.noalias}, %[[B:[^:]*]]: memref<20xf32> {llvm.noalias}, %[[BM:[^:]*]]: memref<20xf32> {llvm.noalias}, %[[G:[^:]*]]: memref<3xf32> {llvm.noalias}, %[[GM:[^:]*]]: memref<3xf32> {llvm.noalias}, %[[H:[^:]*]]: memref<16xf32>
// CHECK: %[[LR:.*]] = memref.load %[[H]]
// CHECK: %[[DW:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: %[[DB:.*]] = memref.alloc() : memref<20xf32>
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel (%[[C:.*]]) = (%{{.*}}) to (%{{.*}}) step
// CHECK: %[[T:.*]] = memref.get_global @__myelin_update_chunks
// CHECK: %[[U:.*]] = memref.load %[[T]][%{{.*}}, %[[C]]]
// CHECK: %[[UI:.*]] = arith.index_cast %[[U]]
// CHECK: memref.load %[[T]][%{{.*}}, %[[C]]]
// CHECK: %[[O:.*]] = memref.load %[[T]][%{{.*}}, %[[C]]]
// CHECK: %[[OI:.*]] = arith.index_cast %[[O]]
// CHECK: scf.index_switch %[[UI]]
// CHECK-NEXT: case 0 {
// CHECK: %[[WF:.*]] = memref.collapse_shape %[[W]] {{\[}}[0, 1]] : memref<4x8xf32> into memref<32xf32>
// CHECK: %[[DWF:.*]] = memref.collapse_shape %[[DW]]
// CHECK: %[[WMF:.*]] = memref.collapse_shape %[[WM]]
// CHECK: %[[WS:.*]] = memref.subview %[[WF]][%[[OI]]] [16] [1]
// CHECK: %[[DWS:.*]] = memref.subview %[[DWF]][%[[OI]]] [16] [1]
// CHECK: %[[WMS:.*]] = memref.subview %[[WMF]][%[[OI]]] [16] [1]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[WS]], %[[DWS]], %[[WMS]] : {{.*}}) outs(%[[WS]], %[[WMS]] :
// CHECK: arith.mulf %[[LR]]
// CHECK: case 1 {
// CHECK: %[[FULL:.*]] = arith.cmpi ult, %[[OI]], %{{.*}} : index
// CHECK: scf.if %[[FULL]] {
// CHECK: memref.subview %{{.*}}[%[[OI]]] [16] [1] : memref<20xf32> to memref<16xf32
// CHECK: linalg.generic
// CHECK: } else {
// CHECK: %[[C16:.*]] = arith.constant 16 : index
// CHECK: memref.subview %{{.*}}[%[[C16]]] [4] [1] : memref<20xf32> to memref<4xf32
// CHECK: linalg.generic
// CHECK: case 2 {
// CHECK-NOT: memref.subview
// CHECK: linalg.generic {{.*}} ins(%[[G]], %{{.*}}, %[[GM]] : memref<3xf32>, memref<3xf32>, memref<3xf32>) outs(%[[G]], %[[GM]] :
// CHECK: default {
// CHECK: } {myelin.work = 55 : i64}
// CHECK-NEXT: memref.dealloc %{{.*}} : memref<3xf32>
// CHECK-NEXT: memref.dealloc %[[DW]]
// CHECK-NEXT: memref.dealloc %[[DB]]
// CHECK-NEXT: return

// Named after the model and the role, one kernel for all three.
// KERNEL-LABEL: func.func private @m_sgd_update(
// KERNEL: scf.parallel
// KERNEL-LABEL: func.func @step(
// KERNEL: call @m_sgd_update(
// KERNEL-NOT: call
// KERNEL: return
module attributes {myelin.model = "m"} {
func.func @step(%w: memref<4x8xf32> {llvm.noalias}, %wm: memref<4x8xf32> {llvm.noalias},
                %b: memref<20xf32> {llvm.noalias}, %bm: memref<20xf32> {llvm.noalias},
                %g: memref<3xf32> {llvm.noalias}, %gm: memref<3xf32> {llvm.noalias},
                %h: memref<16xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %lr = memref.load %h[%c0] : memref<16xf32>
  %dw = memref.alloc() : memref<4x8xf32>
  %db = memref.alloc() : memref<20xf32>
  %dg = memref.alloc() : memref<3xf32>
  linalg.generic {indexing_maps = [#map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%w, %dw, %wm : memref<4x8xf32>, memref<4x8xf32>, memref<4x8xf32>) outs(%w, %wm : memref<4x8xf32>, memref<4x8xf32>) attrs = {myelin.update} {
  ^bb0(%p: f32, %d: f32, %m: f32, %o0: f32, %o1: f32):
    %s = arith.mulf %lr, %d : f32
    %n = arith.addf %m, %s : f32
    %q = arith.subf %p, %n : f32
    linalg.yield %q, %n : f32, f32
  } loc(#w)
  memref.dealloc %dg : memref<3xf32>
  linalg.generic {indexing_maps = [#map1, #map1, #map1, #map1, #map1], iterator_types = ["parallel"]}
      ins(%b, %db, %bm : memref<20xf32>, memref<20xf32>, memref<20xf32>) outs(%b, %bm : memref<20xf32>, memref<20xf32>) attrs = {myelin.update} {
  ^bb0(%p: f32, %d: f32, %m: f32, %o0: f32, %o1: f32):
    %s = arith.mulf %lr, %d : f32
    %n = arith.addf %m, %s : f32
    %q = arith.subf %p, %n : f32
    linalg.yield %q, %n : f32, f32
  } loc(#b)
  %dg2 = memref.alloc() : memref<3xf32>
  linalg.generic {indexing_maps = [#map1, #map1, #map1, #map1, #map1], iterator_types = ["parallel"]}
      ins(%g, %dg2, %gm : memref<3xf32>, memref<3xf32>, memref<3xf32>) outs(%g, %gm : memref<3xf32>, memref<3xf32>) attrs = {myelin.update} {
  ^bb0(%p: f32, %d: f32, %m: f32, %o0: f32, %o1: f32):
    %s = arith.mulf %lr, %d : f32
    %n = arith.addf %m, %s : f32
    %q = arith.subf %p, %n : f32
    linalg.yield %q, %n : f32, f32
  } loc(#g)
  memref.dealloc %dw : memref<4x8xf32>
  memref.dealloc %db : memref<20xf32>
  return
}
}

// -----

// Not fused: an op with memory effects between two updates, an update that
// reads what an earlier one writes, an unmarked generic, and a transposed
// operand.
#map1 = affine_map<(d0) -> (d0)>
#t = affine_map<(d0, d1) -> (d1, d0)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @apart(
// CHECK-NOT: scf.parallel
// CHECK-COUNT-5: linalg.generic
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @apart(%a: memref<8xf32>, %b: memref<8xf32>, %c: memref<8xf32>,
                 %s: memref<4x4xf32>, %d: memref<4x4xf32>) {
  linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel"]}
      ins(%a : memref<8xf32>) outs(%a : memref<8xf32>) attrs = {myelin.update} {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.copy ins(%c : memref<8xf32>) outs(%b : memref<8xf32>)
  linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel"]}
      ins(%c : memref<8xf32>) outs(%b : memref<8xf32>) attrs = {myelin.update} {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  // Reads %b, which the update before it writes.
  linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel"]}
      ins(%b : memref<8xf32>) outs(%c : memref<8xf32>) attrs = {myelin.update} {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel"]}
      ins(%a : memref<8xf32>) outs(%a : memref<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : memref<4x4xf32>) outs(%d : memref<4x4xf32>) attrs = {myelin.update} {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  return
}

// -----

// Updates of equal work (as many elements, an equivalent body) share a
// class: one loop body, whose buffers a switch on the chunk's index in the
// class picks. a and c (8 elements, the same body) are class 0, b (a
// different body) class 1.
#m1 = affine_map<(d0) -> (d0)>
#m2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK: memref.global "private" constant @__myelin_update_chunks : memref<3x3xi64> = dense<{{\[}}[0, 1, 0], [0, 0, 1], [0, 0, 0]]>
// CHECK-LABEL: func.func @classes(
// CHECK-SAME: %[[A:[^:]*]]: memref<8xf32>, %[[B:[^:]*]]: memref<8xf32>, %[[C:[^:]*]]: memref<2x4xf32>
// CHECK: scf.index_switch
// CHECK-NEXT: case 0 {
// CHECK: %[[PICK:.*]] = scf.index_switch %{{.*}} -> memref<8xf32>
// CHECK-NEXT: case 1 {
// CHECK-NEXT: %[[CF:.*]] = memref.collapse_shape %[[C]] {{\[}}[0, 1]] : memref<2x4xf32> into memref<8xf32>
// CHECK-NEXT: scf.yield %[[CF]] : memref<8xf32>
// CHECK: default {
// CHECK-NEXT: scf.yield %[[A]] : memref<8xf32>
// CHECK: linalg.generic {{.*}} ins(%[[PICK]] : memref<8xf32>) outs(%[[PICK]] : memref<8xf32>)
// CHECK: arith.addf
// CHECK: case 1 {
// CHECK: linalg.generic {{.*}} ins(%[[B]] : memref<8xf32>) outs(%[[B]] : memref<8xf32>)
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @classes(%a: memref<8xf32>, %b: memref<8xf32>, %c: memref<2x4xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.generic {indexing_maps = [#m1, #m1], iterator_types = ["parallel"]}
      ins(%a : memref<8xf32>) outs(%a : memref<8xf32>) attrs = {myelin.update} {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %one : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#m1, #m1], iterator_types = ["parallel"]}
      ins(%b : memref<8xf32>) outs(%b : memref<8xf32>) attrs = {myelin.update} {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %one : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<2x4xf32>) outs(%c : memref<2x4xf32>) attrs = {myelin.update} {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %one : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// The gradients' sums of squares (for the global norm): each chunk sums
// into its slot of a partial-sums buffer, then each parameter's sum is the
// sum of its chunks' slots, after the loop, in the same kernel. Their own
// zero fills go (the kernel fills them).
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#scalar2 = affine_map<(d0, d1) -> ()>
#map1 = affine_map<(d0) -> (d0)>
#scalar1 = affine_map<(d0) -> ()>
#nw = loc(fused<"grad_norm">["w"("m.nn":3:8)])
#nb = loc(fused<"grad_norm">["b"("m.nn":3:8)])
// CHECK: memref.global "private" constant @__myelin_update_chunks : memref<3x4xi64> = dense<{{\[}}[0, 0, 1, 1], [0, 0, 0, 0], [0, 16, 0, 16]]>
// CHECK-LABEL: func.func @norms(
// CHECK-SAME: %[[DW:[^:]*]]: memref<4x8xf32>, %[[DB:[^:]*]]: memref<20xf32>
// CHECK: %[[SW:.*]] = memref.alloc() : memref<f32>
// CHECK: %[[SB:.*]] = memref.alloc() : memref<f32>
// CHECK-NOT: linalg.fill
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK: scf.parallel (%[[C:.*]]) =
// CHECK: memref.store %{{.*}}, %[[P]][%[[C]]] : memref<4xf32>
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: %[[SLICE:.*]] = memref.subview %{{.*}}[%{{.*}}] [16] [1] : memref<32xf32> to memref<16xf32
// CHECK: %[[SLOT:.*]] = memref.subview %[[P]][%[[C]]] [1] [1] : memref<4xf32> to memref<f32, strided<[], offset: ?>>
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[SLICE]] : {{.*}}) outs(%[[SLOT]] :
// CHECK: arith.mulf
// CHECK: case 1 {
// CHECK: } {myelin.work = 52 : i64}
// CHECK: %[[PW:.*]] = memref.subview %[[P]][0] [2] [1]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[SW]] : memref<f32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[PW]] : {{.*}}) outs(%[[SW]] : memref<f32>)
// CHECK: %[[PB:.*]] = memref.subview %[[P]][2] [2] [1]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[SB]] : memref<f32>)
// CHECK: linalg.generic {{.*}} ins(%[[PB]] : {{.*}}) outs(%[[SB]] : memref<f32>)
// CHECK: memref.dealloc %[[P]]
// CHECK: return %[[SW]], %[[SB]]
// KERNEL-LABEL: func.func private @m_grad_norm(
// KERNEL: scf.parallel
// KERNEL: linalg.fill
// KERNEL: linalg.generic
// KERNEL: linalg.fill
// KERNEL: linalg.generic
// KERNEL: return
// KERNEL-LABEL: func.func @norms(
// KERNEL: call @m_grad_norm(
// KERNEL-NOT: call
module attributes {myelin.model = "m"} {
func.func @norms(%dw: memref<4x8xf32>, %db: memref<20xf32>) -> (memref<f32>, memref<f32>) {
  %zero = arith.constant 0.0 : f32
  %sw = memref.alloc() : memref<f32>
  linalg.fill ins(%zero : f32) outs(%sw : memref<f32>) loc(#nw)
  linalg.generic {indexing_maps = [#map2, #scalar2], iterator_types = ["reduction", "reduction"]}
      ins(%dw : memref<4x8xf32>) outs(%sw : memref<f32>) attrs = {myelin.grad_squares} {
  ^bb0(%g: f32, %acc: f32):
    %sq = arith.mulf %g, %g : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } loc(#nw)
  %sb = memref.alloc() : memref<f32>
  linalg.fill ins(%zero : f32) outs(%sb : memref<f32>) loc(#nb)
  linalg.generic {indexing_maps = [#map1, #scalar1], iterator_types = ["reduction"]}
      ins(%db : memref<20xf32>) outs(%sb : memref<f32>) attrs = {myelin.grad_squares} {
  ^bb0(%g: f32, %acc: f32):
    %sq = arith.mulf %g, %g : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } loc(#nb)
  return %sw, %sb : memref<f32>, memref<f32>
}
}

// -----

// BADCHUNK: chunk-elements must be positive, not 0
module {
}
