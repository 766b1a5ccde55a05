// myelin-approximate-math's f32 tanh (x P(x^2) / Q(x^2) on x clamped to
// [-7.9988, 7.9988], the quotient through a refined reciprocal estimate)
// against libm's double tanh: 8192 points on [-10, 10] as vector<16xf32>,
// then the special values. Prints 1 per check that holds.
// RUN: myelin-opt %s --myelin-approximate-math --convert-math-to-libm \
// RUN:   --convert-scf-to-cf --convert-vector-to-llvm --convert-math-to-llvm \
// RUN:   --convert-arith-to-llvm --finalize-memref-to-llvm --convert-func-to-llvm \
// RUN:   --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The pattern takes f32 tanh before MLIR's (whose quotient is a divide);
// f64 tanh is left to libm.
// RUN: myelin-opt %s --myelin-approximate-math | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @tanh16(
// IR-COUNT-9: math.fma
// IR: arith.divf {{.*}} fastmath<ninf,arcp> : vector<16xf32>
// IR-NOT: arith.select
// IR: return
// IR-LABEL: func.func @tanh_f64(
// IR: math.tanh {{.*}} : f64

// Max error below 4e-7 (a few ulp of 1: 2.5e-7 on this grid, where the
// JIT's reciprocal estimate may be SSE's 12-bit one), odd, within 4e-7 of
// +-1 beyond the clamp:
// CHECK: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// tanh(NaN) is NaN, tanh(+-inf) within 4e-7 of +-1, tanh(0) = 0:
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1

func.func @tanh16(%x: vector<16xf32>) -> vector<16xf32> {
  %e = math.tanh %x : vector<16xf32>
  return %e : vector<16xf32>
}

func.func @tanh_f64(%x: f64) -> f64 {
  %e = math.tanh %x : f64
  return %e : f64
}

func.func @tanh1(%x: f32) -> f32 {
  %v = vector.broadcast %x : f32 to vector<16xf32>
  %e = func.call @tanh16(%v) : (vector<16xf32>) -> vector<16xf32>
  %s = vector.extract %e[0] : f32 from vector<16xf32>
  return %s : f32
}

func.func @check(%ok: i1) {
  %one = arith.extui %ok : i1 to i64
  vector.print %one : i64
  return
}

func.func @near(%a: f32, %b: f32) -> i1 {
  %d = arith.subf %a, %b : f32
  %ad = math.absf %d : f32
  %tol = arith.constant 4.0e-7 : f32
  %ok = arith.cmpf olt, %ad, %tol : f32
  return %ok : i1
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %n = arith.constant 8192 : index
  %lo = arith.constant -10.0 : f32
  %step = arith.constant 0.00244140625 : f32 // 20 / 8192
  %x = memref.alloc() : memref<8192xf32>
  %y = memref.alloc() : memref<8192xf32>
  scf.for %i = %c0 to %n step %c1 {
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %xi = math.fma %fi, %step, %lo : f32
    memref.store %xi, %x[%i] : memref<8192xf32>
  }
  scf.for %i = %c0 to %n step %c16 {
    %v = vector.load %x[%i] : memref<8192xf32>, vector<16xf32>
    %e = func.call @tanh16(%v) : (vector<16xf32>) -> vector<16xf32>
    vector.store %e, %y[%i] : memref<8192xf32>, vector<16xf32>
  }
  %zero = arith.constant 0.0 : f64
  %false = arith.constant false
  %r:3 = scf.for %i = %c0 to %n step %c1 iter_args(%err = %zero, %odd = %false, %sat = %false) -> (f64, i1, i1) {
    %xi = memref.load %x[%i] : memref<8192xf32>
    %yi = memref.load %y[%i] : memref<8192xf32>
    %xd = arith.extf %xi : f32 to f64
    %yd = arith.extf %yi : f32 to f64
    %ref = math.tanh %xd : f64
    %d = arith.subf %yd, %ref : f64
    %ad = math.absf %d : f64
    %m = arith.maximumf %err, %ad : f64
    // tanh(-x) == -tanh(x) exactly
    %nx = arith.negf %xi : f32
    %en = func.call @tanh1(%nx) : (f32) -> f32
    %neg = arith.negf %en : f32
    %ne = arith.cmpf one, %neg, %yi : f32
    %odd2 = arith.ori %odd, %ne : i1
    // |x| >= 8: within 4e-7 of +-1
    %ax = math.absf %xi : f32
    %eight = arith.constant 8.0 : f32
    %big = arith.cmpf oge, %ax, %eight : f32
    %ay = math.absf %yi : f32
    %onef = arith.constant 1.0 : f32
    %isone = func.call @near(%ay, %onef) : (f32, f32) -> i1
    %true1 = arith.constant true
    %notone = arith.xori %isone, %true1 : i1
    %bad = arith.andi %big, %notone : i1
    %sat2 = arith.ori %sat, %bad : i1
    scf.yield %m, %odd2, %sat2 : f64, i1, i1
  }
  %tol = arith.constant 4.0e-7 : f64
  %small = arith.cmpf olt, %r#0, %tol : f64
  func.call @check(%small) : (i1) -> ()
  %true = arith.constant true
  %isodd = arith.xori %r#1, %true : i1
  func.call @check(%isodd) : (i1) -> ()
  %issat = arith.xori %r#2, %true : i1
  func.call @check(%issat) : (i1) -> ()

  %nan = arith.constant 0x7FC00000 : f32
  %inf = arith.constant 0x7F800000 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %zf = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %mone = arith.constant -1.0 : f32
  %en = func.call @tanh1(%nan) : (f32) -> f32
  %isnan = arith.cmpf uno, %en, %en : f32
  func.call @check(%isnan) : (i1) -> ()
  %ei = func.call @tanh1(%inf) : (f32) -> f32
  %c_i = func.call @near(%ei, %one) : (f32, f32) -> i1
  func.call @check(%c_i) : (i1) -> ()
  %eni = func.call @tanh1(%ninf) : (f32) -> f32
  %c_ni = func.call @near(%eni, %mone) : (f32, f32) -> i1
  func.call @check(%c_ni) : (i1) -> ()
  %ez = func.call @tanh1(%zf) : (f32) -> f32
  %c_z = arith.cmpf oeq, %ez, %zf : f32
  func.call @check(%c_z) : (i1) -> ()
  memref.dealloc %x : memref<8192xf32>
  memref.dealloc %y : memref<8192xf32>
  return
}
