// RUN: myelin-opt %s --split-input-file --myelin-fuse-row-loops --canonicalize | FileCheck %s

// A softmax's three row loops (max, sum of exp, normalize), as
// myelin-parallelize-loops leaves them, with the sum's zero fill (a
// sequential loop over the same rows) between the first two: one loop over
// the rows, and the row statistics the later steps re-read forwarded from
// the stores (no loads of %max or %sum left: the sum starts from the
// fill's zero).
// CHECK-LABEL: func.func @softmax
// CHECK-NEXT:    arith.constant
// CHECK:       %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:  scf.parallel (%[[I:.+]]) = (%c0) to (%c8) step (%c1)
// CHECK:         %[[M:.+]] = scf.for
// CHECK:         memref.store %[[M]], %arg2[%[[I]]]
// CHECK:         memref.store %[[ZERO]], %arg3[%[[I]]]
// CHECK:         %[[S:.+]] = scf.for %{{.+}} iter_args(%{{.+}} = %[[ZERO]])
// CHECK:           arith.subf %{{.+}}, %[[M]]
// CHECK:         memref.store %[[S]], %arg3[%[[I]]]
// CHECK:         scf.for
// CHECK:           arith.subf %{{.+}}, %[[M]]
// CHECK:           arith.divf %{{.+}}, %[[S]]
// CHECK:           memref.store %{{.+}}, %arg1[%[[I]], %{{.+}}]
// CHECK-NOT:   memref.load %arg2
// CHECK-NOT:   memref.load %arg3
// CHECK-NOT:   scf.parallel
// CHECK:       return
func.func @softmax(%x: memref<8x16xf32> {llvm.noalias}, %y: memref<8x16xf32> {llvm.noalias}, %max: memref<8xf32> {llvm.noalias}, %sum: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %m = scf.for %j = %c0 to %c16 step %c1 iter_args(%acc = %ninf) -> (f32) {
      %v = memref.load %x[%i, %j] : memref<8x16xf32>
      %n = arith.maximumf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %m, %max[%i] : memref<8xf32>
    scf.reduce
  }
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %zero, %sum[%i] : memref<8xf32>
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %init = memref.load %sum[%i] : memref<8xf32>
    %s = scf.for %j = %c0 to %c16 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%i, %j] : memref<8x16xf32>
      %m = memref.load %max[%i] : memref<8xf32>
      %d = arith.subf %v, %m : f32
      %e = math.exp %d : f32
      %n = arith.addf %acc, %e : f32
      scf.yield %n : f32
    }
    memref.store %s, %sum[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %j] : memref<8x16xf32>
      %m = memref.load %max[%i] : memref<8xf32>
      %s = memref.load %sum[%i] : memref<8xf32>
      %d = arith.subf %v, %m : f32
      %e = math.exp %d : f32
      %p = arith.divf %e, %s : f32
      memref.store %p, %y[%i, %j] : memref<8x16xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A small elementwise step left sequential (scf.for over the same rows,
// every iteration on its own row) joins the parallel loop before it, and
// the next parallel loop after it; two views of one buffer that are the
// same collapse_shape count as one view.
// CHECK-LABEL: func.func @sequential_step
// CHECK:       scf.parallel
// CHECK:         memref.store
// CHECK:         math.sqrt
// CHECK:         arith.mulf
// CHECK-NOT:   scf.parallel
// CHECK-NOT:   scf.for
// CHECK:       return
func.func @sequential_step(%x: memref<2x4xf32> {llvm.noalias}, %y: memref<2x4xf32> {llvm.noalias}, %t: memref<2x4xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %xs = memref.collapse_shape %x [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  %ts = memref.collapse_shape %t [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %xs[%i] : memref<8xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %ts[%i] : memref<8xf32>
    scf.reduce
  }
  %ts2 = memref.collapse_shape %t [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %ts2[%i] : memref<8xf32>
    %r = math.sqrt %v : f32
    memref.store %r, %ts2[%i] : memref<8xf32>
  }
  %ys = memref.collapse_shape %y [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %ts[%i] : memref<8xf32>
    %u = memref.load %xs[%i] : memref<8xf32>
    %p = arith.mulf %v, %u : f32
    memref.store %p, %ys[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A statistic the fused body stores is not forwarded into a loop that also
// writes it: from the loop's second iteration the load reads that loop's
// own store.
// CHECK-LABEL: func.func @loop_carried
// CHECK:       scf.parallel (%[[I:.+]]) =
// CHECK:         memref.store %{{.+}}, %arg1[%[[I]]]
// CHECK:         scf.for
// CHECK:           %[[X:.+]] = memref.load %arg1[%[[I]]]
// CHECK:           %[[Y:.+]] = arith.addf %[[X]], %{{.+}}
// CHECK:           memref.store %[[Y]], %arg1[%[[I]]]
// CHECK-NOT:   scf.parallel
func.func @loop_carried(%x: memref<8xf32> {llvm.noalias}, %s: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %s[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c4 step %c1 {
      %a = memref.load %s[%i] : memref<8xf32>
      %b = arith.addf %a, %one : f32
      memref.store %b, %s[%i] : memref<8xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Not fused: the second loop reads another row of what the first writes
// (%s[0]); buffers that may alias (no llvm.noalias); other bounds; a
// different view of the written buffer; and a step in between that writes
// what the first loop reads (it cannot move above it).
// CHECK-LABEL: func.func @not_row_local
// CHECK-COUNT-2: scf.parallel
// CHECK-LABEL: func.func @may_alias
// CHECK-COUNT-2: scf.parallel
// CHECK-LABEL: func.func @other_bounds
// CHECK-COUNT-2: scf.parallel
// CHECK-LABEL: func.func @other_view
// CHECK-COUNT-2: scf.parallel
// CHECK-LABEL: func.func @blocked
// CHECK-COUNT-2: scf.parallel
func.func @not_row_local(%x: memref<8xf32> {llvm.noalias}, %s: memref<8xf32> {llvm.noalias}, %y: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %s[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %s[%c0] : memref<8xf32>
    memref.store %v, %y[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
func.func @may_alias(%x: memref<8xf32>, %s: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %s[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %s[%i] : memref<8xf32>
    memref.store %v, %y[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
func.func @other_bounds(%x: memref<8xf32> {llvm.noalias}, %s: memref<8xf32> {llvm.noalias}, %y: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %s[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %v = memref.load %s[%i] : memref<8xf32>
    memref.store %v, %y[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
func.func @other_view(%x: memref<8xf32> {llvm.noalias}, %s: memref<8xf32> {llvm.noalias}, %y: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %s[%i] : memref<8xf32>
    scf.reduce
  }
  %s2 = memref.expand_shape %s [[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %v = memref.load %s2[%i, %c0] : memref<2x4xf32>
    memref.store %v, %y[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
func.func @blocked(%x: memref<8xf32> {llvm.noalias}, %s: memref<8xf32> {llvm.noalias}, %y: memref<8xf32> {llvm.noalias}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %s[%i] : memref<8xf32>
    scf.reduce
  }
  memref.store %one, %x[%c0] : memref<8xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %s[%i] : memref<8xf32>
    memref.store %v, %y[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
