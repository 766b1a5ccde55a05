// RUN: myelin-opt %s --split-input-file --myelin-lower-to-linalg | FileCheck %s
// The causal structure of attention products (myelin.causal, read by
// myelin-lower-contractions) is set at nn -> linalg only where the nn ops
// around the product prove it.

// Forward: the scores q k^T only feed scale -> causal_mask ("n_le_m"); the
// weighted sum P v multiplies a causally masked softmax ("k_le_m").
// CHECK-LABEL: func.func @forward
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2x8x8xf32>) {{.*}} {myelin.causal = "n_le_m"}
// CHECK:       linalg.generic {{.*}} ins(%{{.*}}, %arg2 : tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) {{.*}} {myelin.causal = "k_le_m"}
func.func @forward(%q: tensor<2x2x8x4xf32>, %k: tensor<2x2x8x4xf32>, %v: tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32> {
  %s = nn.matmul %q, %k {transpose_rhs} : (tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x8xf32>
  %t = nn.scale %s {factor = 0.5 : f32} : tensor<2x2x8x8xf32>
  %m = nn.causal_mask %t : tensor<2x2x8x8xf32>
  %p = nn.softmax %m : tensor<2x2x8x8xf32>
  %y = nn.matmul %p, %v : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  return %y : tensor<2x2x8x4xf32>
}

// -----

// Backward: dP = dY v^T only feeds the softmax gradient, whose P is zero
// above the diagonal ("n_le_m"); dV = P^T dY ("k_ge_m"); dS is a scaled
// causal_mask_grad: dQ = dS k ("k_le_m"), dK = dS^T q ("k_ge_m").
// The mask gradient itself is dropped: its input, P * (dP - dot), is
// already zero above the diagonal, and only those two products, which skip
// that half, read it. The one select left is the forward mask's (-inf).
// CHECK-LABEL: func.func @backward
// CHECK:       arith.select
// CHECK-NOT:   arith.select
// CHECK:       linalg.generic {{.*}} ins(%arg3, %arg2 : {{.*}}) outs(%{{.*}} : tensor<2x2x8x8xf32>) {{.*}} {myelin.causal = "n_le_m"}
// CHECK:       linalg.generic {{.*}} ins(%{{[0-9]+}}, %arg3 : {{.*}}) {{.*}} {myelin.causal = "k_ge_m"}
// CHECK:       linalg.generic {{.*}} ins(%[[DS:[^,]+]], %arg1 : {{.*}}) {{.*}} {myelin.causal = "k_le_m"}
// CHECK:       linalg.generic {{.*}} ins(%[[DS]], %arg0 : {{.*}}) {{.*}} {myelin.causal = "k_ge_m"}
func.func @backward(%q: tensor<2x2x8x4xf32>, %k: tensor<2x2x8x4xf32>, %v: tensor<2x2x8x4xf32>, %dy: tensor<2x2x8x4xf32>, %p: tensor<2x2x8x8xf32>) -> (tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>) {
  %sm = nn.causal_mask %p : tensor<2x2x8x8xf32>
  %pp = nn.softmax %sm : tensor<2x2x8x8xf32>
  %dp = nn.matmul %dy, %v {transpose_rhs} : (tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x8xf32>
  %dv = nn.matmul %pp, %dy {transpose_lhs} : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  %dm = nn.softmax_grad %dp, %pp : tensor<2x2x8x8xf32>
  %dt = nn.causal_mask_grad %dm : tensor<2x2x8x8xf32>
  %ds = nn.scale %dt {factor = 0.5 : f32} : tensor<2x2x8x8xf32>
  %dq = nn.matmul %ds, %k : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  %dk = nn.matmul %ds, %q {transpose_lhs} : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  return %dq, %dk, %dv : tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>
}

// -----

// Not proven, so dense: scores that are also returned unmasked, a softmax
// without a mask, a softmax gradient whose output is not causal, a causal P
// as the right operand, an infinite scale of a masked gradient.
// CHECK-LABEL: func.func @dense
// CHECK-NOT:   myelin.causal
func.func @dense(%q: tensor<2x2x8x4xf32>, %k: tensor<2x2x8x4xf32>, %v: tensor<2x2x8x4xf32>, %x: tensor<2x2x8x8xf32>, %w: tensor<2x2x4x8xf32>) -> (tensor<2x2x8x8xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>, tensor<2x2x8x8xf32>, tensor<2x2x4x8xf32>, tensor<2x2x8x4xf32>) {
  %s = nn.matmul %q, %k {transpose_rhs} : (tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x8xf32>
  %m = nn.causal_mask %s : tensor<2x2x8x8xf32>
  %u = nn.softmax %x : tensor<2x2x8x8xf32>
  %y = nn.matmul %u, %v : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  %dp = nn.matmul %q, %k {transpose_rhs} : (tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x8xf32>
  %dm = nn.softmax_grad %dp, %u : tensor<2x2x8x8xf32>
  %cm = nn.causal_mask %x : tensor<2x2x8x8xf32>
  %p = nn.softmax %cm : tensor<2x2x8x8xf32>
  %wp = nn.matmul %w, %p : (tensor<2x2x4x8xf32>, tensor<2x2x8x8xf32>) -> tensor<2x2x4x8xf32>
  %g = nn.causal_mask_grad %x : tensor<2x2x8x8xf32>
  %gi = nn.scale %g {factor = 0x7F800000 : f32} : tensor<2x2x8x8xf32>
  %z = nn.matmul %gi, %v : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  return %s, %m, %y, %dm, %wp, %z : tensor<2x2x8x8xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>, tensor<2x2x8x8xf32>, tensor<2x2x4x8xf32>, tensor<2x2x8x4xf32>
}

// -----

// A causal_mask_grad stays when anything else reads its result (here it is
// also returned) or when its input is not the gradient of a masked softmax:
// three selects (the forward mask's and two gradients' with 0).
// CHECK-LABEL: func.func @mask_grad_kept
// CHECK-COUNT-3: arith.select
// CHECK-NOT:   arith.select
func.func @mask_grad_kept(%q: tensor<2x2x8x4xf32>, %k: tensor<2x2x8x4xf32>, %dp: tensor<2x2x8x8xf32>, %p: tensor<2x2x8x8xf32>, %x: tensor<2x2x8x8xf32>) -> (tensor<2x2x8x4xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) {
  %sm = nn.causal_mask %p : tensor<2x2x8x8xf32>
  %pp = nn.softmax %sm : tensor<2x2x8x8xf32>
  %dm = nn.softmax_grad %dp, %pp : tensor<2x2x8x8xf32>
  %ds = nn.causal_mask_grad %dm : tensor<2x2x8x8xf32>
  %dq = nn.matmul %ds, %k : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  %dx = nn.causal_mask_grad %x : tensor<2x2x8x8xf32>
  %dk = nn.matmul %dx, %q {transpose_lhs} : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  return %dq, %ds, %dk : tensor<2x2x8x4xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>
}
