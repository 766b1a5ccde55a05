// RUN: myelin-opt %s --split-input-file --verify-diagnostics \
// RUN:   --mlir-print-op-on-diagnostic=false \
// RUN:   --myelin-plan-memory=verify=1 -o /dev/null

// The verify option derives each slot view's lifetime from the IR: two
// views of the same bytes of a slot live at the same time are reported, with
// their byte ranges and top-level op ranges.
memref.global "private" @__myelin_slot0 : memref<128xi8> = uninitialized {alignment = 64 : i64}
func.func @clash(%in: memref<16xf32>, %out: memref<16xf32>)
    attributes {nn.entry = "train"} {
  %arena = memref.get_global @__myelin_slot0 : memref<128xi8>
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  // expected-error @+1 {{memory plan: bytes [0, 64) live over ops 5..7 overlap bytes [32, 96) live over ops 6..8 (the buffer at}}
  %a = memref.view %arena[%c0][] : memref<128xi8> to memref<16xf32>
  %b = memref.view %arena[%c32][] : memref<128xi8> to memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  memref.copy %a, %out : memref<16xf32> to memref<16xf32>
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// Views of the same bytes one after the other are fine; an alloc planned in
// the same run goes into a new slot.
memref.global "private" @__myelin_slot0 : memref<128xi8> = uninitialized {alignment = 64 : i64}
// expected-remark @+1 {{memory plan of @sequential verified: 3 views of 2 slots}}
func.func @sequential(%in: memref<16xf32>, %out: memref<16xf32>)
    attributes {nn.entry = "train"} {
  %arena = memref.get_global @__myelin_slot0 : memref<128xi8>
  %c0 = arith.constant 0 : index
  %a = memref.view %arena[%c0][] : memref<128xi8> to memref<16xf32>
  %b = memref.view %arena[%c0][] : memref<128xi8> to memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %t = memref.alloc() : memref<16xf32>
  memref.copy %a, %t : memref<16xf32> to memref<16xf32>
  memref.copy %t, %out : memref<16xf32> to memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %t : memref<16xf32>
  return
}

// -----

memref.global "private" @__myelin_slot0 : memref<128xi8> = uninitialized {alignment = 64 : i64}
func.func @freed_view(%in: memref<16xf32>) attributes {nn.entry = "train"} {
  %arena = memref.get_global @__myelin_slot0 : memref<128xi8>
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{memory plan: slot view escapes or is freed}}
  %a = memref.view %arena[%c0][] : memref<128xi8> to memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  return
}
