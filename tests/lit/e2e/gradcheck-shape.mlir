// Numerical gradient checks of the shape and embedding ops and of the
// batched/broadcasting forms of nn.matmul, nn.linear, nn.add and
// nn.softmax_cross_entropy. Each model routes the gradients of its
// parameters through the ops under test and ends in [8, 3] logits (the
// runtime's LOGITS); it is compiled from nn IR by myelinc and runs the
// executable's --gradcheck (central finite differences on 16 sampled
// entries per parameter, the largest gradient included; see
// tests/lit/e2e/gradcheck.nn).
//
// As tests/lit/e2e/gradcheck-transformer.mlir explains, float32 rounding of
// the loss limits the finite differences to ~5e-6 absolute, so a correct
// rule can miss 2e-3 on a sampled gradient near 1e-4; the seeds below keep
// the worst entry under 1e-3 (1e-5 to 7e-4). Wrong rules measure far more:
// a scatter that drops repeated ids 0.56, swapped transpose_lhs rules 0.4
// to 1.
// RUN: rm -rf %t && split-file %s %t
// RUN: myelinc %t/matmul_batched.mlir -o %t/matmul_batched && %t/matmul_batched --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=MATMUL_BATCHED
// RUN: myelinc %t/linear_add.mlir -o %t/linear_add && %t/linear_add --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=LINEAR_ADD
// RUN: myelinc %t/cross_entropy.mlir -o %t/cross_entropy && %t/cross_entropy --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=CROSS_ENTROPY
// RUN: myelinc %t/reshape_transpose.mlir -o %t/reshape_transpose && %t/reshape_transpose --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=RESHAPE_TRANSPOSE
// RUN: myelinc %t/embedding.mlir -o %t/embedding && %t/embedding --gradcheck --gradcheck-samples 16 --gradcheck-tol 2e-3 | FileCheck %s --check-prefix=EMBEDDING

// nn.matmul with batch dimensions: rank 3 with transpose_rhs (attention
// scores) and rank 4 with every flag combination. Both operands carry
// gradients (a through the lhs, b through the rhs); tanh on one product
// keeps the contributions of the transpose_lhs cases apart, so that
// swapping their rules is caught.
// MATMUL_BATCHED: gradcheck a.weight {{.*}} ok
// MATMUL_BATCHED: gradcheck a.bias {{.*}} ok
// MATMUL_BATCHED: gradcheck b.weight {{.*}} ok
// MATMUL_BATCHED: gradcheck b.bias {{.*}} ok
// MATMUL_BATCHED: gradcheck o1.weight {{.*}} ok
// MATMUL_BATCHED: gradcheck o1.bias {{.*}} ok
// MATMUL_BATCHED: gradcheck o2.weight {{.*}} ok
// MATMUL_BATCHED: gradcheck: passed
//--- matmul_batched.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 8 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "a.weight" init <normal> {init_b = 0.3 : f32} : tensor<6x8xf32>
  %b1 = nn.param "a.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %w2 = nn.param "b.weight" init <normal> {init_b = 0.3 : f32} : tensor<6x8xf32>
  %b2 = nn.param "b.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %h1 = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %h2 = nn.linear %x, %w2, %b2 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  // rank 3, transpose_rhs: attention scores.
  %a3 = nn.reshape %h1 : tensor<8x8xf32> -> tensor<2x4x8xf32>
  %b3 = nn.reshape %h2 : tensor<8x8xf32> -> tensor<2x4x8xf32>
  %s = nn.matmul %a3, %b3 {transpose_rhs} : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x4xf32>
  // rank 4: every flag combination.
  %a4 = nn.reshape %h1 : tensor<8x8xf32> -> tensor<2x2x4x4xf32>
  %b4 = nn.reshape %h2 : tensor<8x8xf32> -> tensor<2x2x4x4xf32>
  %t = nn.matmul %a4, %b4 {transpose_lhs} : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %v = nn.matmul %a4, %b4 {transpose_lhs, transpose_rhs} : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %n = nn.matmul %a4, %b4 : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %tt = nn.tanh %t : tensor<2x2x4x4xf32>
  %tv = nn.add %tt, %v : tensor<2x2x4x4xf32>
  %u = nn.add %tv, %n : tensor<2x2x4x4xf32>
  %r1 = nn.reshape %s : tensor<2x4x4xf32> -> tensor<8x4xf32>
  %r2 = nn.reshape %u : tensor<2x2x4x4xf32> -> tensor<8x8xf32>
  %w3 = nn.param "o1.weight" init <normal> {init_b = 0.5 : f32} : tensor<4x3xf32>
  %b3p = nn.param "o1.bias" init <zeros> : tensor<3xf32>
  %w4 = nn.param "o2.weight" init <normal> {init_b = 0.1 : f32} : tensor<8x3xf32>
  %o1 = nn.linear %r1, %w3, %b3p : (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %o2 = nn.matmul %r2, %w4 : (tensor<8x8xf32>, tensor<8x3xf32>) -> tensor<8x3xf32>
  %o = nn.add %o1, %o2 : tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// nn.linear on rank-3 and rank-4 inputs (weight gradients summed over every
// leading position) and nn.add broadcasting [T, C] learned positions and a
// [C] shift over [B, T, C] activations (gradients reduced over the batch).
// LINEAR_ADD: gradcheck h.weight {{.*}} ok
// LINEAR_ADD: gradcheck h.bias {{.*}} ok
// LINEAR_ADD: gradcheck t.weight {{.*}} ok
// LINEAR_ADD: gradcheck t.bias {{.*}} ok
// LINEAR_ADD: gradcheck pos {{.*}} ok
// LINEAR_ADD: gradcheck shift {{.*}} ok
// LINEAR_ADD: gradcheck u.weight {{.*}} ok
// LINEAR_ADD: gradcheck u.bias {{.*}} ok
// LINEAR_ADD: gradcheck out.weight {{.*}} ok
// LINEAR_ADD: gradcheck out.bias {{.*}} ok
// LINEAR_ADD: gradcheck: passed
//--- linear_add.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 7 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x8xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  // [B, T, C] = [8, 2, 4] through a rank-3 linear.
  %h3 = nn.reshape %h : tensor<8x8xf32> -> tensor<8x2x4xf32>
  %w2 = nn.param "t.weight" init <normal> {init_b = 0.5 : f32} : tensor<4x5xf32>
  %b2 = nn.param "t.bias" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %t = nn.linear %h3, %w2, %b2 : (tensor<8x2x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<8x2x5xf32>
  // Learned positions [T, C] and a per-feature shift [C], broadcast.
  %pos = nn.param "pos" init <normal> {init_b = 0.5 : f32} : tensor<2x5xf32>
  %shift = nn.param "shift" init <normal> {init_b = 0.5 : f32} : tensor<5xf32>
  %p = nn.add %t, %pos : tensor<8x2x5xf32>, tensor<2x5xf32>
  %q = nn.add %p, %shift : tensor<8x2x5xf32>, tensor<5xf32>
  %a = nn.tanh %q : tensor<8x2x5xf32>
  // A rank-4 linear: [8, 2, 1, 5] -> [8, 2, 1, 3].
  %a4 = nn.reshape %a : tensor<8x2x5xf32> -> tensor<8x2x1x5xf32>
  %w3 = nn.param "u.weight" init <normal> {init_b = 0.5 : f32} : tensor<5x3xf32>
  %b3 = nn.param "u.bias" init <normal> {init_b = 0.5 : f32} : tensor<3xf32>
  %u = nn.linear %a4, %w3, %b3 : (tensor<8x2x1x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x2x1x3xf32>
  %r = nn.reshape %u : tensor<8x2x1x3xf32> -> tensor<8x6xf32>
  %w4 = nn.param "out.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x3xf32>
  %b4 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %r, %w4, %b4 : (tensor<8x6xf32>, tensor<6x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// nn.softmax_cross_entropy over [2, 4, 3] logits with [2, 4] labels (the
// runtime's labels reshaped), as a language model's per-token loss.
// CROSS_ENTROPY: gradcheck h.weight {{.*}} ok
// CROSS_ENTROPY: gradcheck h.bias {{.*}} ok
// CROSS_ENTROPY: gradcheck lm.weight {{.*}} ok
// CROSS_ENTROPY: gradcheck lm.bias {{.*}} ok
// CROSS_ENTROPY: gradcheck: passed
//--- cross_entropy.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 5 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x8xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %h3 = nn.reshape %h : tensor<8x8xf32> -> tensor<2x4x8xf32>
  %w2 = nn.param "lm.weight" init <normal> {init_b = 0.5 : f32} : tensor<8x3xf32>
  %b2 = nn.param "lm.bias" init <normal> {init_b = 0.5 : f32} : tensor<3xf32>
  %logits = nn.linear %h3, %w2, %b2 : (tensor<2x4x8xf32>, tensor<8x3xf32>, tensor<3xf32>) -> tensor<2x4x3xf32>
  %labels = nn.reshape %y : tensor<8xi32> -> tensor<2x4xi32>
  %lt = nn.softmax_cross_entropy %logits, %labels : (tensor<2x4x3xf32>, tensor<2x4xi32>) -> tensor<2x4xf32>
  %m = nn.mean %lt : tensor<2x4xf32> -> tensor<f32>
  %l = nn.reshape %lt : tensor<2x4xf32> -> tensor<8xf32>
  %o = nn.reshape %logits : tensor<2x4x3xf32> -> tensor<8x3xf32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// nn.reshape without a reassociation of dimensions ([8, 12] -> [4, 6, 4],
// lowered through 1-D) and nn.transpose of rank 3 and of rank 4 (the
// [B, T, H, D] -> [B, H, T, D] head split), on activations and on a
// parameter.
// RESHAPE_TRANSPOSE: gradcheck h.weight {{.*}} ok
// RESHAPE_TRANSPOSE: gradcheck h.bias {{.*}} ok
// RESHAPE_TRANSPOSE: gradcheck s {{.*}} ok
// RESHAPE_TRANSPOSE: gradcheck out.weight {{.*}} ok
// RESHAPE_TRANSPOSE: gradcheck out.bias {{.*}} ok
// RESHAPE_TRANSPOSE: gradcheck: passed
//--- reshape_transpose.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 3 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x12xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<12xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x12xf32>, tensor<12xf32>) -> tensor<8x12xf32>
  // [8, 12] -> [4, 6, 4] has no reassociation of dimensions.
  %r = nn.reshape %h : tensor<8x12xf32> -> tensor<4x6x4xf32>
  %t = nn.transpose %r permutation [2, 0, 1] : tensor<4x6x4xf32> -> tensor<4x4x6xf32>
  %a = nn.tanh %t : tensor<4x4x6xf32>
  // Heads: [B, T, H, D] -> [B, H, T, D].
  %a4 = nn.reshape %a : tensor<4x4x6xf32> -> tensor<2x2x4x6xf32>
  %s = nn.param "s" init <normal> {init_b = 0.5 : f32} : tensor<2x4x2x6xf32>
  %st = nn.transpose %s permutation [0, 2, 1, 3] : tensor<2x4x2x6xf32> -> tensor<2x2x4x6xf32>
  %g = nn.add %a4, %st : tensor<2x2x4x6xf32>
  %f = nn.reshape %g : tensor<2x2x4x6xf32> -> tensor<8x12xf32>
  %w2 = nn.param "out.weight" init <normal> {init_b = 0.5 : f32} : tensor<12x3xf32>
  %b2 = nn.param "out.bias" init <zeros> : tensor<3xf32>
  %o = nn.linear %f, %w2, %b2 : (tensor<8x12xf32>, tensor<12x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}

// nn.embedding with repeated ids and the out-of-range ids -1 and 7 (read
// from rows 0 and 4, and updated there by the scatter-add), its table tied
// to the output projection (nn.matmul of [8, 2, 4] activations with the
// shared [5, 4] table, transpose_rhs: the table gradient sums the scatter
// and the matmul's batch-reduced term), and a shared rhs without
// transpose.
// EMBEDDING: gradcheck wte {{.*}} ok
// EMBEDDING: gradcheck h.weight {{.*}} ok
// EMBEDDING: gradcheck h.bias {{.*}} ok
// EMBEDDING: gradcheck p.weight {{.*}} ok
// EMBEDDING: gradcheck o1.weight {{.*}} ok
// EMBEDDING: gradcheck o1.bias {{.*}} ok
// EMBEDDING: gradcheck o2.weight {{.*}} ok
// EMBEDDING: gradcheck: passed
//--- embedding.mlir
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<8xf32> {nn.role = "sample_loss"}, tensor<8x3xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 8 : i64, beta1 = 0.000000e+00 : f32, beta2 = 9.990000e-01 : f32, data_dir = "", data_kind = "synthetic", data_scale = 1.000000e+00 : f32, epochs = 1 : i64, eps = 9.99999993E-9 : f32, lr = 0.00999999977 : f32, optimizer = #nn.optimizer<sgd>, seed = 4 : i64, weight_decay = 0.000000e+00 : f32}} {
  %x = nn.input "x" : tensor<8x6xf32>
  %y = nn.label "y" : tensor<8xi32>
  %wte = nn.param "wte" init <normal> {init_b = 0.5 : f32} : tensor<5x4xf32>
  %ids = arith.constant dense<[[0, 1], [1, 1], [4, 2], [-1, 3], [7, 0], [2, 2], [3, 4], [1, 0]]> : tensor<8x2xi32>
  %e = nn.embedding %wte, %ids : (tensor<5x4xf32>, tensor<8x2xi32>) -> tensor<8x2x4xf32>
  %w1 = nn.param "h.weight" init <normal> {init_b = 0.5 : f32} : tensor<6x8xf32>
  %b1 = nn.param "h.bias" init <normal> {init_b = 0.5 : f32} : tensor<8xf32>
  %h = nn.linear %x, %w1, %b1 : (tensor<8x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %h3 = nn.reshape %h : tensor<8x8xf32> -> tensor<8x2x4xf32>
  %s = nn.add %e, %h3 : tensor<8x2x4xf32>
  %a = nn.tanh %s : tensor<8x2x4xf32>
  // Tied logits [8, 2, 5] = a [8, 2, 4] x wte^T.
  %tied = nn.matmul %a, %wte {transpose_rhs} : (tensor<8x2x4xf32>, tensor<5x4xf32>) -> tensor<8x2x5xf32>
  %wp = nn.param "p.weight" init <normal> {init_b = 0.5 : f32} : tensor<4x3xf32>
  %proj = nn.matmul %a, %wp : (tensor<8x2x4xf32>, tensor<4x3xf32>) -> tensor<8x2x3xf32>
  %r1 = nn.reshape %tied : tensor<8x2x5xf32> -> tensor<8x10xf32>
  %r2 = nn.reshape %proj : tensor<8x2x3xf32> -> tensor<8x6xf32>
  %w2 = nn.param "o1.weight" init <normal> {init_b = 0.3 : f32} : tensor<10x3xf32>
  %b2 = nn.param "o1.bias" init <zeros> : tensor<3xf32>
  %w3 = nn.param "o2.weight" init <normal> {init_b = 0.3 : f32} : tensor<6x3xf32>
  %o1 = nn.linear %r1, %w2, %b2 : (tensor<8x10xf32>, tensor<10x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %o2 = nn.matmul %r2, %w3 : (tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<8x3xf32>
  %o = nn.add %o1, %o2 : tensor<8x3xf32>
  %l = nn.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m, %l, %o : tensor<f32>, tensor<8xf32>, tensor<8x3xf32>
}
