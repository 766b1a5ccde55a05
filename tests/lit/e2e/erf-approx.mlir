// myelin-approximate-math's f32 erf (x P(x^2) / Q(x^2) on x clamped to
// [-4, 4], the quotient through a refined reciprocal estimate) against
// libm's double erf: 8192 points on [-6, 6] as vector<16xf32>, then the
// special values. Prints 1 per check that holds.
// RUN: myelin-opt %s --myelin-approximate-math --convert-math-to-libm \
// RUN:   --convert-scf-to-cf --convert-vector-to-llvm --convert-math-to-llvm \
// RUN:   --convert-arith-to-llvm --finalize-memref-to-llvm --convert-func-to-llvm \
// RUN:   --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The pattern takes f32 erf before MLIR's (which selects among three
// intervals' coefficients per lane); f64 erf is left to libm.
// RUN: myelin-opt %s --myelin-approximate-math | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @erf16(
// IR-COUNT-10: math.fma
// IR: arith.divf {{.*}} fastmath<ninf,arcp> : vector<16xf32>
// IR-NOT: arith.select
// IR: return

// Max error below 5e-7 (3.8e-7 on this grid, 4.5e-7 on a 6e-6-spaced one;
// MLIR's three-interval approximation: 1.8e-7 here), odd, and exactly +-1
// beyond 4:
// CHECK: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// erf(NaN) is NaN, erf(+-inf) = +-1, erf(0) = 0:
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1

func.func @erf16(%x: vector<16xf32>) -> vector<16xf32> {
  %e = math.erf %x : vector<16xf32>
  return %e : vector<16xf32>
}

func.func @erf1(%x: f32) -> f32 {
  %v = vector.broadcast %x : f32 to vector<16xf32>
  %e = func.call @erf16(%v) : (vector<16xf32>) -> vector<16xf32>
  %s = vector.extract %e[0] : f32 from vector<16xf32>
  return %s : f32
}

func.func @check(%ok: i1) {
  %one = arith.extui %ok : i1 to i64
  vector.print %one : i64
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %n = arith.constant 8192 : index
  %lo = arith.constant -6.0 : f32
  %step = arith.constant 0.00146484375 : f32 // 12 / 8192
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
    %e = func.call @erf16(%v) : (vector<16xf32>) -> vector<16xf32>
    vector.store %e, %y[%i] : memref<8192xf32>, vector<16xf32>
  }
  %zero = arith.constant 0.0 : f64
  %false = arith.constant false
  %r:3 = scf.for %i = %c0 to %n step %c1 iter_args(%err = %zero, %odd = %false, %sat = %false) -> (f64, i1, i1) {
    %xi = memref.load %x[%i] : memref<8192xf32>
    %yi = memref.load %y[%i] : memref<8192xf32>
    %xd = arith.extf %xi : f32 to f64
    %yd = arith.extf %yi : f32 to f64
    %ref = math.erf %xd : f64
    %d = arith.subf %yd, %ref : f64
    %ad = math.absf %d : f64
    %m = arith.maximumf %err, %ad : f64
    // erf(-x) == -erf(x) exactly
    %nx = arith.negf %xi : f32
    %en = func.call @erf1(%nx) : (f32) -> f32
    %neg = arith.negf %en : f32
    %ne = arith.cmpf one, %neg, %yi : f32
    %odd2 = arith.ori %odd, %ne : i1
    // |x| >= 4: exactly +-1
    %ax = math.absf %xi : f32
    %four = arith.constant 4.0 : f32
    %big = arith.cmpf oge, %ax, %four : f32
    %ay = math.absf %yi : f32
    %onef = arith.constant 1.0 : f32
    %notone = arith.cmpf one, %ay, %onef : f32
    %bad = arith.andi %big, %notone : i1
    %sat2 = arith.ori %sat, %bad : i1
    scf.yield %m, %odd2, %sat2 : f64, i1, i1
  }
  %tol = arith.constant 5.0e-7 : f64
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
  %en = func.call @erf1(%nan) : (f32) -> f32
  %isnan = arith.cmpf uno, %en, %en : f32
  func.call @check(%isnan) : (i1) -> ()
  %ei = func.call @erf1(%inf) : (f32) -> f32
  %c_i = arith.cmpf oeq, %ei, %one : f32
  func.call @check(%c_i) : (i1) -> ()
  %eni = func.call @erf1(%ninf) : (f32) -> f32
  %c_ni = arith.cmpf oeq, %eni, %mone : f32
  func.call @check(%c_ni) : (i1) -> ()
  %ez = func.call @erf1(%zf) : (f32) -> f32
  %c_z = arith.cmpf oeq, %ez, %zf : f32
  func.call @check(%c_z) : (i1) -> ()
  memref.dealloc %x : memref<8192xf32>
  memref.dealloc %y : memref<8192xf32>
  return
}
