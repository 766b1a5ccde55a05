// RUN: myelin-opt %s --split-input-file --myelin-plan-memory | FileCheck %s

// Buffers whose lifetimes do not overlap share a slot: an uninitialized
// global (.bss, allocated once) as big as the biggest of them.
// CHECK:       module attributes {myelin.memory_plan = {reuse = {arena = 128 : i64, buffers = 2 : i64, kept = 0 : i64, planned = 192 : i64}}}
// CHECK-NEXT:  memref.global "private" @__myelin_slot0 : memref<128xi8> = uninitialized {alignment = 64 : i64}
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @reuse
// CHECK:       %[[C0:.+]] = arith.constant 0 : index
// CHECK:       %[[S0:.+]] = memref.get_global @__myelin_slot0 : memref<128xi8>
// CHECK:       %[[A:.+]] = memref.view %[[S0]][%[[C0]]][] : memref<128xi8> to memref<16xf32>
// CHECK:       memref.copy %arg0, %[[A]]
// CHECK:       memref.copy %[[A]], %arg1
// CHECK:       %[[B:.+]] = memref.view %[[S0]][%[[C0]]][] : memref<128xi8> to memref<32xf32>
// CHECK:       memref.copy %arg2, %[[B]]
// CHECK:       memref.copy %[[B]], %arg3
// CHECK-NOT:   memref.dealloc
// CHECK:       return
func.func @reuse(%in: memref<16xf32>, %out: memref<16xf32>,
                 %in2: memref<32xf32>, %out2: memref<32xf32>)
    attributes {nn.entry = "train"} {
  %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %a, %out : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
  memref.copy %in2, %b : memref<32xf32> to memref<32xf32>
  memref.copy %b, %out2 : memref<32xf32> to memref<32xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<32xf32>
  return
}

// -----

// Buffers live at the same time are in different slots (distinct globals,
// which LLVM knows do not alias), sized in multiples of 64 bytes, biggest
// first. An op that reads one buffer and writes the other (through a
// subview) makes them overlap.
// CHECK:       myelin.memory_plan = {overlap = {arena = 192 : i64, buffers = 2 : i64, kept = 0 : i64, planned = 192 : i64}}
// CHECK-NEXT:  memref.global "private" @__myelin_slot0 : memref<128xi8>
// CHECK-NEXT:  memref.global "private" @__myelin_slot1 : memref<64xi8>
// CHECK-LABEL: func.func @overlap
// CHECK-DAG:   %[[S0:.+]] = memref.get_global @__myelin_slot0
// CHECK-DAG:   %[[S1:.+]] = memref.get_global @__myelin_slot1
// CHECK:       memref.view %[[S1]][%{{.+}}][] : memref<64xi8> to memref<10xf32>
// CHECK:       memref.view %[[S0]][%{{.+}}][] : memref<128xi8> to memref<32xf32>
func.func @overlap(%in: memref<10xf32>, %out: memref<32xf32>)
    attributes {nn.entry = "train"} {
  %a = memref.alloc() : memref<10xf32>
  memref.copy %in, %a : memref<10xf32> to memref<10xf32>
  %b = memref.alloc() : memref<32xf32>
  %sub = memref.subview %b[0] [10] [1] : memref<32xf32> to memref<10xf32, strided<[1]>>
  memref.copy %a, %sub : memref<10xf32> to memref<10xf32, strided<[1]>>
  memref.copy %b, %out : memref<32xf32> to memref<32xf32>
  memref.dealloc %a : memref<10xf32>
  memref.dealloc %b : memref<32xf32>
  return
}

// -----

// A buffer takes the smallest free slot it fits in: %c (64 bytes) could go
// into %big's slot (256) or %mid's (128) and takes %mid's.
// CHECK:       myelin.memory_plan = {best_fit = {arena = 384 : i64, buffers = 3 : i64
// CHECK-NEXT:  memref.global "private" @__myelin_slot0 : memref<256xi8>
// CHECK-NEXT:  memref.global "private" @__myelin_slot1 : memref<128xi8>
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @best_fit
// CHECK-DAG:   %[[S0:.+]] = memref.get_global @__myelin_slot0
// CHECK-DAG:   %[[S1:.+]] = memref.get_global @__myelin_slot1
// CHECK:       memref.view %[[S0]]{{.+}} to memref<64xf32>
// CHECK:       memref.view %[[S1]]{{.+}} to memref<32xf32>
// CHECK:       memref.view %[[S1]]{{.+}} to memref<16xf32>
func.func @best_fit(%x: memref<64xf32>, %y: memref<32xf32>, %z: memref<16xf32>)
    attributes {nn.entry = "train"} {
  %big = memref.alloc() : memref<64xf32>
  memref.copy %x, %big : memref<64xf32> to memref<64xf32>
  %mid = memref.alloc() : memref<32xf32>
  memref.copy %y, %mid : memref<32xf32> to memref<32xf32>
  memref.copy %mid, %y : memref<32xf32> to memref<32xf32>
  memref.copy %big, %x : memref<64xf32> to memref<64xf32>
  %c = memref.alloc() : memref<16xf32>
  memref.copy %z, %c : memref<16xf32> to memref<16xf32>
  memref.copy %c, %z : memref<16xf32> to memref<16xf32>
  memref.dealloc %big : memref<64xf32>
  memref.dealloc %mid : memref<32xf32>
  memref.dealloc %c : memref<16xf32>
  return
}

// -----

// Uses through aliases (expand_shape, subview, collapse_shape of them) are
// uses of the buffer: %a stays live until %e is read, after %b's first
// write, so they get different slots.
// CHECK:       myelin.memory_plan = {aliases = {arena = 128 : i64
// CHECK-NEXT:  memref.global "private" @__myelin_slot0 : memref<64xi8>
// CHECK-NEXT:  memref.global "private" @__myelin_slot1 : memref<64xi8>
// CHECK-LABEL: func.func @aliases
// CHECK-DAG:   %[[S0:.+]] = memref.get_global @__myelin_slot0
// CHECK-DAG:   %[[S1:.+]] = memref.get_global @__myelin_slot1
// CHECK:       %[[A:.+]] = memref.view %[[S0]]{{.+}} to memref<16xf32>
// CHECK:       memref.expand_shape %[[A]]
// CHECK:       memref.view %[[S1]]{{.+}} to memref<16xf32>
func.func @aliases(%in: memref<16xf32>, %out: memref<4xf32>)
    attributes {nn.entry = "train"} {
  %a = memref.alloc() : memref<16xf32>
  %e = memref.expand_shape %a [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  %row = memref.subview %e[1, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[1], offset: 4>>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  memref.copy %row, %out : memref<4xf32, strided<[1], offset: 4>> to memref<4xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}

// -----

// A use nested in a region counts at its top-level op: %a is read in the
// scf.if after %b's first write. Allocs nested in regions stay.
// CHECK:       myelin.memory_plan = {nested = {arena = 128 : i64
// CHECK-LABEL: func.func @nested
// CHECK-DAG:   %[[S0:.+]] = memref.get_global @__myelin_slot0
// CHECK-DAG:   %[[S1:.+]] = memref.get_global @__myelin_slot1
// CHECK:       memref.view %[[S0]]{{.+}} to memref<16xf32>
// CHECK:       memref.view %[[S1]]{{.+}} to memref<16xf32>
// CHECK:       scf.if
// CHECK-NEXT:    %[[T:.+]] = memref.alloc() : memref<16xf32>
// CHECK:         memref.dealloc %[[T]]
func.func @nested(%in: memref<16xf32>, %out: memref<16xf32>, %c: i1)
    attributes {nn.entry = "train"} {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  scf.if %c {
    %t = memref.alloc() : memref<16xf32>
    memref.copy %a, %t : memref<16xf32> to memref<16xf32>
    memref.copy %t, %out : memref<16xf32> to memref<16xf32>
    memref.dealloc %t : memref<16xf32>
  }
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}

// -----

// A buffer an scf.if yields is aliased by its result; a call to a function
// with a body (an outlined kernel) is a use like any other.
// CHECK:       myelin.memory_plan = {region_results = {arena = 128 : i64
// CHECK-LABEL: func.func @region_results
// CHECK-DAG:   %[[S0:.+]] = memref.get_global @__myelin_slot0
// CHECK-DAG:   %[[S1:.+]] = memref.get_global @__myelin_slot1
// CHECK:       memref.view %[[S0]]{{.+}} to memref<16xf32>
// CHECK:       memref.view %[[S1]]{{.+}} to memref<16xf32>
// CHECK:       call @kernel
func.func private @kernel(%x: memref<16xf32>, %y: memref<16xf32>) {
  memref.copy %x, %y : memref<16xf32> to memref<16xf32>
  return
}
func.func @region_results(%in: memref<16xf32>, %out: memref<16xf32>, %c: i1)
    attributes {nn.entry = "train"} {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %r = scf.if %c -> memref<16xf32> {
    scf.yield %a : memref<16xf32>
  } else {
    scf.yield %in : memref<16xf32>
  }
  %b = memref.alloc() : memref<16xf32>
  call @kernel(%r, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}

// -----

// Escaping buffers stay allocs: returned (directly or through a view),
// stored (also as an scf.for iter_arg), handed to a function without a body or to bufferization.dealloc,
// or never freed; so do dynamic shapes and allocs outside entry functions.
// CHECK:       {{^}}module {
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @escapes
// CHECK-COUNT-7: memref.alloc
// CHECK-NOT:   memref.view
// CHECK:       return
func.func private @external(memref<16xf32>)
func.func @escapes(%n: index, %slot: memref<1xmemref<16xf32>>)
    -> (memref<16xf32>, memref<4x4xf32>) attributes {nn.entry = "train"} {
  %ret = memref.alloc() : memref<16xf32>
  %aliased = memref.alloc() : memref<16xf32>
  %e = memref.expand_shape %aliased [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  // Freed, yet returned through %e (the rule does not rely on the dealloc).
  memref.dealloc %aliased : memref<16xf32>
  %stored = memref.alloc() : memref<16xf32>
  %c0 = arith.constant 0 : index
  memref.store %stored, %slot[%c0] : memref<1xmemref<16xf32>>
  memref.dealloc %stored : memref<16xf32>
  %passed = memref.alloc() : memref<16xf32>
  call @external(%passed) : (memref<16xf32>) -> ()
  memref.dealloc %passed : memref<16xf32>
  %owned = memref.alloc() : memref<16xf32>
  %true = arith.constant true
  bufferization.dealloc (%owned : memref<16xf32>) if (%true)
  memref.dealloc %owned : memref<16xf32>
  %looped = memref.alloc() : memref<16xf32>
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%x = %looped) -> memref<16xf32> {
    memref.store %x, %slot[%c0] : memref<1xmemref<16xf32>>
    scf.yield %x : memref<16xf32>
  }
  memref.dealloc %looped : memref<16xf32>
  %dynamic = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %dynamic : memref<?xf32>
  return %ret, %e : memref<16xf32>, memref<4x4xf32>
}
// CHECK-LABEL: func.func @not_an_entry
// CHECK:       memref.alloc
func.func @not_an_entry(%in: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  return
}

// -----

// All entry functions share the slots: slot n is as big as the biggest
// slot n of any function.
// CHECK:       myelin.memory_plan = {big = {arena = 256 : i64, {{.+}}}, small = {arena = 128 : i64, {{.+}}}}
// CHECK-NEXT:  memref.global "private" @__myelin_slot0 : memref<256xi8>
// CHECK-NEXT:  memref.global "private" @__myelin_slot1 : memref<64xi8>
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @small
// CHECK-DAG:   memref.get_global @__myelin_slot0 : memref<256xi8>
// CHECK-DAG:   memref.get_global @__myelin_slot1 : memref<64xi8>
// CHECK-LABEL: func.func @big
// CHECK:       memref.get_global @__myelin_slot0 : memref<256xi8>
func.func @small(%in: memref<16xf32>) attributes {nn.entry = "eval"} {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}
func.func @big(%in: memref<64xf32>) attributes {nn.entry = "train"} {
  %a = memref.alloc() : memref<64xf32>
  memref.copy %in, %a : memref<64xf32> to memref<64xf32>
  memref.dealloc %a : memref<64xf32>
  return
}
