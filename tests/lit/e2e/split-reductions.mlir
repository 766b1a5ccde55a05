// myelin-split-reductions against the unsplit reductions, through the whole
// kernel pipeline with OpenMP (the split sums run on threads). @<case> has
// a `reassoc` add, so the pass splits it; @<case>_ref computes the same
// without the flag, so it stays one loop nest. The inputs are small
// multiples of 1/4, so all partial sums are exact and the two must agree
// bit for bit; the outputs start nonzero (reductions accumulate into
// them), so a chunk left out, counted twice or an init dropped also
// mismatches. mlir-cpu-runner prints the mismatch count per case.
// RUN: myelin-opt %s --myelin-lower-kernels=threads=true \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%libomp | FileCheck %s
// The split happens, on the three cases only:
// RUN: myelin-opt %s --pass-pipeline='builtin.module(func.func(myelin-split-reductions))' | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @bias(
// IR: memref.expand_shape {{.*}} into memref<16x64x80xf32>
// IR-LABEL: func.func @bias_ref(
// IR-NOT: memref.expand_shape
// IR-LABEL: func.func @norm(
// IR: memref.expand_shape {{.*}} into memref<16x64x80xf32>
// IR-LABEL: func.func @norm_ref(
// IR-NOT: memref.expand_shape
// IR-LABEL: func.func @bias3(
// IR: memref.expand_shape {{.*}} into memref<16x1x64x80xf32>
// IR-LABEL: func.func @bias3_ref(
// IR-NOT: memref.expand_shape
// IR-LABEL: func.func @fill81920(

// CHECK:      bias mismatches: 0
// CHECK-NEXT: norm mismatches: 0
// CHECK-NEXT: bias3 mismatches: 0

func.func @bias(%x: memref<1024x80xf32>, %y: memref<80xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<1024x80xf32>) outs(%y : memref<80xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return
}
func.func @bias_ref(%x: memref<1024x80xf32>, %y: memref<80xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> (n)>],
      iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<1024x80xf32>) outs(%y : memref<80xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  }
  return
}

func.func @norm(%x: memref<1024x80xf32>, %y: memref<f32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<1024x80xf32>) outs(%y : memref<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a fastmath<reassoc,contract> : f32
    %s = arith.addf %acc, %sq fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  }
  return
}
func.func @norm_ref(%x: memref<1024x80xf32>, %y: memref<f32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, n) -> (r, n)>, affine_map<(r, n) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<1024x80xf32>) outs(%y : memref<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  }
  return
}

// Two reduced dimensions (a bias gradient over [batch, time, n]); the
// outer one (16) is split.
func.func @bias3(%x: memref<16x64x80xf32>, %y: memref<80xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(b, t, n) -> (b, t, n)>, affine_map<(b, t, n) -> (n)>],
      iterator_types = ["reduction", "reduction", "parallel"]}
      ins(%x : memref<16x64x80xf32>) outs(%y : memref<80xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return
}
func.func @bias3_ref(%x: memref<16x64x80xf32>, %y: memref<80xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(b, t, n) -> (b, t, n)>, affine_map<(b, t, n) -> (n)>],
      iterator_types = ["reduction", "reduction", "parallel"]}
      ins(%x : memref<16x64x80xf32>) outs(%y : memref<80xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  }
  return
}

// v[i] = ((i * 7 + seed) mod 13 - 6) / 4.
func.func @fill81920(%m: memref<81920xf32>, %seed: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c13 = arith.constant 13 : index
  %n = arith.constant 81920 : index
  %six = arith.constant 6.0 : f32
  %quarter = arith.constant 0.25 : f32
  scf.for %i = %c0 to %n step %c1 {
    %a = arith.muli %i, %c7 : index
    %b = arith.addi %a, %seed : index
    %r = arith.remui %b, %c13 : index
    %ri = arith.index_cast %r : index to i32
    %f = arith.sitofp %ri : i32 to f32
    %g = arith.subf %f, %six : f32
    %v = arith.mulf %g, %quarter : f32
    memref.store %v, %m[%i] : memref<81920xf32>
  }
  return
}

func.func @fill80(%m: memref<80xf32>, %seed: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c13 = arith.constant 13 : index
  %n = arith.constant 80 : index
  %six = arith.constant 6.0 : f32
  %quarter = arith.constant 0.25 : f32
  scf.for %i = %c0 to %n step %c1 {
    %a = arith.muli %i, %c7 : index
    %b = arith.addi %a, %seed : index
    %r = arith.remui %b, %c13 : index
    %ri = arith.index_cast %r : index to i32
    %f = arith.sitofp %ri : i32 to f32
    %g = arith.subf %f, %six : f32
    %v = arith.mulf %g, %quarter : f32
    memref.store %v, %m[%i] : memref<80xf32>
  }
  return
}

func.func @fill1(%m: memref<1xf32>, %seed: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c13 = arith.constant 13 : index
  %n = arith.constant 1 : index
  %six = arith.constant 6.0 : f32
  %quarter = arith.constant 0.25 : f32
  scf.for %i = %c0 to %n step %c1 {
    %a = arith.muli %i, %c7 : index
    %b = arith.addi %a, %seed : index
    %r = arith.remui %b, %c13 : index
    %ri = arith.index_cast %r : index to i32
    %f = arith.sitofp %ri : i32 to f32
    %g = arith.subf %f, %six : f32
    %v = arith.mulf %g, %quarter : f32
    memref.store %v, %m[%i] : memref<1xf32>
  }
  return
}

// Mismatching elements of two buffers.
func.func @mismatches80(%a: memref<80xf32>, %b: memref<80xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 80 : index
  %z = arith.constant 0 : i64
  %one = arith.constant 1 : i64
  %count = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> i64 {
    %x = memref.load %a[%i] : memref<80xf32>
    %y = memref.load %b[%i] : memref<80xf32>
    %ne = arith.cmpf une, %x, %y : f32
    %inc = arith.addi %acc, %one : i64
    %next = arith.select %ne, %inc, %acc : i64
    scf.yield %next : i64
  }
  return %count : i64
}

func.func @mismatches1(%a: memref<1xf32>, %b: memref<1xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 1 : index
  %z = arith.constant 0 : i64
  %one = arith.constant 1 : i64
  %count = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> i64 {
    %x = memref.load %a[%i] : memref<1xf32>
    %y = memref.load %b[%i] : memref<1xf32>
    %ne = arith.cmpf une, %x, %y : f32
    %inc = arith.addi %acc, %one : i64
    %next = arith.select %ne, %inc, %acc : i64
    scf.yield %next : i64
  }
  return %count : i64
}

func.func @main() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %x = memref.alloc() : memref<81920xf32>
  call @fill81920(%x, %c1) : (memref<81920xf32>, index) -> ()
  %x2 = memref.expand_shape %x [[0, 1]] output_shape [1024, 80] : memref<81920xf32> into memref<1024x80xf32>
  %x3 = memref.expand_shape %x [[0, 1, 2]] output_shape [16, 64, 80] : memref<81920xf32> into memref<16x64x80xf32>
  %y = memref.alloc() : memref<80xf32>
  %yr = memref.alloc() : memref<80xf32>
  %s = memref.alloc() : memref<1xf32>
  %sr = memref.alloc() : memref<1xf32>
  %s0 = memref.collapse_shape %s [] : memref<1xf32> into memref<f32>
  %sr0 = memref.collapse_shape %sr [] : memref<1xf32> into memref<f32>

  call @fill80(%y, %c2) : (memref<80xf32>, index) -> ()
  call @fill80(%yr, %c2) : (memref<80xf32>, index) -> ()
  call @bias(%x2, %y) : (memref<1024x80xf32>, memref<80xf32>) -> ()
  call @bias_ref(%x2, %yr) : (memref<1024x80xf32>, memref<80xf32>) -> ()
  %m1 = call @mismatches80(%y, %yr) : (memref<80xf32>, memref<80xf32>) -> i64
  vector.print str "bias mismatches: "
  vector.print %m1 : i64

  call @fill1(%s, %c2) : (memref<1xf32>, index) -> ()
  call @fill1(%sr, %c2) : (memref<1xf32>, index) -> ()
  call @norm(%x2, %s0) : (memref<1024x80xf32>, memref<f32>) -> ()
  call @norm_ref(%x2, %sr0) : (memref<1024x80xf32>, memref<f32>) -> ()
  %m2 = call @mismatches1(%s, %sr) : (memref<1xf32>, memref<1xf32>) -> i64
  vector.print str "norm mismatches: "
  vector.print %m2 : i64

  call @fill80(%y, %c2) : (memref<80xf32>, index) -> ()
  call @fill80(%yr, %c2) : (memref<80xf32>, index) -> ()
  call @bias3(%x3, %y) : (memref<16x64x80xf32>, memref<80xf32>) -> ()
  call @bias3_ref(%x3, %yr) : (memref<16x64x80xf32>, memref<80xf32>) -> ()
  %m3 = call @mismatches80(%y, %yr) : (memref<80xf32>, memref<80xf32>) -> i64
  vector.print str "bias3 mismatches: "
  vector.print %m3 : i64
  return
}
