// RUN: myelin-opt %s --split-input-file --myelin-elide-result-copies | FileCheck %s

#id = affine_map<(i) -> (i)>
// A result computed into a temporary and copied into its buffer is computed
// in the buffer; an elementwise first writer may read the buffer itself.
// CHECK-LABEL: func.func @in_place
// CHECK-NOT:   memref.alloc
// CHECK:       linalg.generic {{.*}} ins(%arg0, %arg1 : memref<8xf32>, memref<8xf32>) outs(%arg0 : memref<8xf32>)
// CHECK-NOT:   memref.copy
func.func @in_place(%p: memref<8xf32>, %g: memref<8xf32>) {
  %tmp = memref.alloc() : memref<8xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%p, %g : memref<8xf32>, memref<8xf32>) outs(%tmp : memref<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  }
  memref.copy %tmp, %p : memref<8xf32> to memref<8xf32>
  memref.dealloc %tmp : memref<8xf32>
  return
}

// -----

#id = affine_map<(i) -> (i)>
// Kept: the buffer is read after the temporary's first write (the second
// generic must see the old %p, which the first write would have clobbered).
// CHECK-LABEL: func.func @read_after_write
// CHECK:       %[[T:.+]] = memref.alloc
// CHECK:       linalg.fill {{.*}} outs(%[[T]]
// CHECK:       memref.copy %[[T]], %arg0
func.func @read_after_write(%p: memref<8xf32>, %g: memref<8xf32>) {
  %tmp = memref.alloc() : memref<8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%tmp : memref<8xf32>)
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%p, %g : memref<8xf32>, memref<8xf32>) outs(%tmp : memref<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    %s = arith.addf %r, %o : f32
    linalg.yield %s : f32
  }
  memref.copy %tmp, %p : memref<8xf32> to memref<8xf32>
  memref.dealloc %tmp : memref<8xf32>
  return
}
