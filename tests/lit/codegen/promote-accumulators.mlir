// RUN: myelin-opt %s --pass-pipeline='builtin.module(func.func(myelin-promote-accumulators))' | FileCheck %s

// A row max over distinct noalias buffers: the accumulator is loaded once,
// carried through the loop and stored once.
// CHECK-LABEL: func.func @row_max(
// CHECK: scf.for %[[I:.*]] =
// CHECK:   %[[INIT:.*]] = memref.load %arg1[%[[I]]]
// CHECK:   %[[R:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK:     %[[X:.*]] = memref.load %arg0[%[[I]], %{{.*}}]
// CHECK:     %[[M:.*]] = arith.maximumf %[[ACC]], %[[X]]
// CHECK-NOT: memref.store
// CHECK:     scf.yield %[[M]] : f32
// CHECK:   memref.store %[[R]], %arg1[%[[I]]]
func.func @row_max(%x: memref<8x64xf32> {llvm.noalias}, %m: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c64 step %c1 {
      %v = memref.load %x[%i, %j] : memref<8x64xf32>
      %a = memref.load %m[%i] : memref<8xf32>
      %r = arith.maximumf %a, %v : f32
      memref.store %r, %m[%i] : memref<8xf32>
    }
  }
  return
}

// Two accumulators (a sum and a sum of squares) through views of a
// noalias argument and an allocation, promoted out of the whole nest: the
// inner loop's load and store become the outer loop's.
// CHECK-LABEL: func.func @two_stats(
// CHECK: %[[S0:.*]] = memref.load %[[SUM:.*]][]
// CHECK: %[[Q0:.*]] = memref.load %[[SQ:.*]][]
// CHECK: %{{.*}}:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[S0]], %{{.*}} = %[[Q0]]) -> (f32, f32) {
// CHECK:   scf.for {{.*}} -> (f32, f32) {
// CHECK-NOT: memref.store
// CHECK: memref.store %{{.*}}#0, %[[SUM]][]
// CHECK: memref.store %{{.*}}#1, %[[SQ]][]
func.func @two_stats(%x: memref<4x16xf32> {llvm.noalias}, %sum: memref<f32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %sq = memref.alloc() : memref<f32>
  %flat = memref.collapse_shape %x [[0, 1]] : memref<4x16xf32> into memref<64xf32>
  %rows = memref.expand_shape %flat [[0, 1]] output_shape [4, 16] : memref<64xf32> into memref<4x16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %rows[%i, %j] : memref<4x16xf32>
      %s = memref.load %sum[] : memref<f32>
      %q = memref.load %sq[] : memref<f32>
      %s2 = arith.addf %s, %v : f32
      %v2 = arith.mulf %v, %v : f32
      %q2 = arith.addf %q, %v2 : f32
      memref.store %s2, %sum[] : memref<f32>
      memref.store %q2, %sq[] : memref<f32>
    }
  }
  memref.dealloc %sq : memref<f32>
  return
}

// Left alone: arguments that may alias (no llvm.noalias); the accumulator
// read elsewhere in the loop through another view; an index that changes
// with the loop; a call (unknown effects); the store before the load; a
// loop whose trip count is not known to be positive.
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: iter_args
// CHECK: return
func.func @kept(%x: memref<8x64xf32>, %m: memref<8xf32>,
                %y: memref<8x64xf32> {llvm.noalias}, %n: memref<8xf32> {llvm.noalias},
                %count: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.for %j = %c0 to %c64 step %c1 {
    %v = memref.load %x[%c1, %j] : memref<8x64xf32>
    %a = memref.load %m[%c1] : memref<8xf32>
    %r = arith.addf %a, %v : f32
    memref.store %r, %m[%c1] : memref<8xf32>
  }
  %view = memref.subview %n[0] [4] [2] : memref<8xf32> to memref<4xf32, strided<[2]>>
  scf.for %j = %c0 to %c64 step %c1 {
    %v = memref.load %y[%c1, %j] : memref<8x64xf32>
    %a = memref.load %n[%c2] : memref<8xf32>
    %b = memref.load %view[%c1] : memref<4xf32, strided<[2]>>
    %r = arith.addf %a, %v : f32
    %r2 = arith.addf %r, %b : f32
    memref.store %r2, %n[%c2] : memref<8xf32>
  }
  scf.for %j = %c0 to %c8 step %c1 {
    %v = memref.load %y[%c1, %j] : memref<8x64xf32>
    %a = memref.load %n[%j] : memref<8xf32>
    %r = arith.addf %a, %v : f32
    memref.store %r, %n[%j] : memref<8xf32>
  }
  scf.for %j = %c0 to %c64 step %c1 {
    %v = memref.load %y[%c1, %j] : memref<8x64xf32>
    %a = memref.load %n[%c1] : memref<8xf32>
    %r = arith.addf %a, %v : f32
    func.call @opaque() : () -> ()
    memref.store %r, %n[%c1] : memref<8xf32>
  }
  scf.for %j = %c0 to %c64 step %c1 {
    %v = memref.load %y[%c1, %j] : memref<8x64xf32>
    memref.store %zero, %n[%c1] : memref<8xf32>
    %a = memref.load %n[%c1] : memref<8xf32>
    %r = arith.addf %a, %v : f32
  }
  scf.for %j = %c0 to %count step %c1 {
    %v = memref.load %y[%c1, %j] : memref<8x64xf32>
    %a = memref.load %n[%c1] : memref<8xf32>
    %r = arith.addf %a, %v : f32
    memref.store %r, %n[%c1] : memref<8xf32>
  }
  return
}
func.func private @opaque()
