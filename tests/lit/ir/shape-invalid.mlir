// RUN: myelin-opt %s --split-input-file --verify-diagnostics
// Shape errors of the shape and embedding ops and of the batched and
// broadcasting forms of nn.matmul, nn.linear, nn.add and
// nn.softmax_cross_entropy.

func.func @matmul_rhs_rank(%a: tensor<2x4x3xf32>, %b: tensor<2x2x3x2xf32>) {
  // expected-error @+2 {{'nn.matmul' expects rhs of rank 2 or of the lhs's rank, got lhs [2, 4, 3] and rhs [2, 2, 3, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<2x4x3xf32>, tensor<2x2x3x2xf32>) -> tensor<2x4x2xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x4x8x16xf32>, %b: tensor<2x3x8x16xf32>) {
  // expected-error @+2 {{'nn.matmul' batch dimensions differ: lhs [2, 4, 8, 16] vs rhs [2, 3, 8, 16]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b {transpose_rhs} : (tensor<2x4x8x16xf32>, tensor<2x3x8x16xf32>) -> tensor<2x4x8x8xf32>
  return
}

// -----

func.func @matmul_batched_contracting(%a: tensor<2x8x16xf32>, %b: tensor<2x8x16xf32>) {
  // expected-error @+2 {{'nn.matmul' contracting dimensions differ: lhs [2, 8, 16] vs rhs [2, 8, 16] (16 vs 8)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<2x8x16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @matmul_shared_transpose_lhs(%a: tensor<2x8x16xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+2 {{'nn.matmul' transpose_lhs needs an rhs with the lhs's batch dimensions, got lhs [2, 8, 16] and rhs [8, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b {transpose_lhs} : (tensor<2x8x16xf32>, tensor<8x4xf32>) -> tensor<2x16x4xf32>
  return
}

// -----

func.func @matmul_shared_result(%h: tensor<2x8x32xf32>, %wte: tensor<64x32xf32>) {
  // expected-error @+2 {{'nn.matmul' op inferred type(s) 'tensor<2x8x64xf32>' are incompatible with return type(s) of operation 'tensor<16x64xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %h, %wte {transpose_rhs} : (tensor<2x8x32xf32>, tensor<64x32xf32>) -> tensor<16x64xf32>
  return
}

// -----

func.func @linear_rank(%x: tensor<32xf32>, %w: tensor<32x16xf32>, %b: tensor<16xf32>) {
  // expected-error @+2 {{'nn.linear' expects input of rank 2 or more, got shape [32]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.linear %x, %w, %b : (tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @linear_features(%x: tensor<2x8x32xf32>, %w: tensor<16x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'nn.linear' input features 32 (input shape [2, 8, 32]) do not match weight rows 16 (weight shape [16, 4])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.linear %x, %w, %b : (tensor<2x8x32xf32>, tensor<16x4xf32>, tensor<4xf32>) -> tensor<2x8x4xf32>
  return
}

// -----

func.func @add_suffix(%x: tensor<2x8x16xf32>, %pos: tensor<2x8xf32>) {
  // The parser infers the result type, so the error comes from the parser.
  // expected-error @+1 {{'nn.add' rhs shape [2, 8] must equal lhs shape [2, 8, 16] or a suffix of it}}
  %0 = nn.add %x, %pos : tensor<2x8x16xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @add_lhs_broadcast(%b: tensor<16xf32>, %x: tensor<2x16xf32>) {
  // Only the rhs broadcasts.
  // The parser infers the result type, so the error comes from the parser.
  // expected-error @+1 {{'nn.add' rhs shape [2, 16] must equal lhs shape [16] or a suffix of it}}
  %0 = nn.add %b, %x : tensor<16xf32>, tensor<2x16xf32>
  return
}

// -----

func.func @ce_leading(%l: tensor<2x8x16xf32>, %y: tensor<2x4xi32>) {
  // expected-error @+2 {{'nn.softmax_cross_entropy' batch of logits [2, 8, 16] differs from labels [2, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<2x8x16xf32>, tensor<2x4xi32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @ce_rank(%l: tensor<16xf32>, %y: tensor<i32>) {
  // expected-error @+2 {{'nn.softmax_cross_entropy' expects logits of rank 2 or more, got shape [16]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<16xf32>, tensor<i32>) -> tensor<f32>
  return
}

// -----

func.func @ce_grad(%d: tensor<2xf32>, %l: tensor<2x8x16xf32>, %y: tensor<2x8xi32>) {
  // expected-error @+2 {{'nn.softmax_cross_entropy_grad' grad shape [2] must be the logits' batch [2, 8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.softmax_cross_entropy_grad %d, %l, %y : (tensor<2xf32>, tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x8x32xf32>) {
  // expected-error @+1 {{'nn.reshape' op input shape [2, 8, 32] and result shape [16, 16] hold different numbers of elements (512 vs 256)}}
  %0 = nn.reshape %x : tensor<2x8x32xf32> -> tensor<16x16xf32>
  return
}

// -----

func.func @reshape_element_type(%x: tensor<2x8xi32>) {
  // expected-error @+1 {{'nn.reshape' op input element type 'i32' differs from result element type 'f32'}}
  %0 = nn.reshape %x : tensor<2x8xi32> -> tensor<16xf32>
  return
}

// -----

func.func @transpose_repeated(%x: tensor<2x8x4xf32>) {
  // expected-error @+2 {{'nn.transpose' permutation [0, 0, 1] is not a permutation of the dimensions of input shape [2, 8, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.transpose %x permutation [0, 0, 1] : tensor<2x8x4xf32> -> tensor<2x2x8xf32>
  return
}

// -----

func.func @transpose_length(%x: tensor<2x8x4xf32>) {
  // expected-error @+2 {{'nn.transpose' permutation [1, 0] is not a permutation of the dimensions of input shape [2, 8, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.transpose %x permutation [1, 0] : tensor<2x8x4xf32> -> tensor<8x2xf32>
  return
}

// -----

func.func @transpose_result(%x: tensor<2x8x4xf32>) {
  // expected-error @+2 {{'nn.transpose' op inferred type(s) 'tensor<8x2x4xf32>' are incompatible with return type(s) of operation 'tensor<2x8x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.transpose %x permutation [1, 0, 2] : tensor<2x8x4xf32> -> tensor<2x8x4xf32>
  return
}

// -----

func.func @embedding_table(%t: tensor<64xf32>, %ids: tensor<2x8xi32>) {
  // expected-error @+2 {{'nn.embedding' expects table of rank 2, got shape [64] (ids shape [2, 8])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.embedding %t, %ids : (tensor<64xf32>, tensor<2x8xi32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @embedding_ids_type(%t: tensor<64x32xf32>, %ids: tensor<2x8xf32>) {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer values}}
  %0 = nn.embedding %t, %ids : (tensor<64x32xf32>, tensor<2x8xf32>) -> tensor<2x8x32xf32>
  return
}

// -----

func.func @embedding_grad_shape(%d: tensor<2x4x32xf32>, %ids: tensor<2x8xi32>) {
  // expected-error @+2 {{'nn.embedding_grad' grad shape [2, 4, 32] must be the ids shape [2, 8] followed by the embedding size}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.embedding_grad %d, %ids vocab 64 : (tensor<2x4x32xf32>, tensor<2x8xi32>) -> tensor<64x32xf32>
  return
}

// -----

func.func @embedding_grad_vocab(%d: tensor<2x8x32xf32>, %ids: tensor<2x8xi32>) {
  // expected-error @+1 {{attribute 'vocab' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = nn.embedding_grad %d, %ids vocab 0 : (tensor<2x8x32xf32>, tensor<2x8xi32>) -> tensor<0x32xf32>
  return
}

// -----

func.func @matmul_lhs_rank(%a: tensor<4xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{'nn.matmul' expects lhs of rank 2 or more, got shape [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<4xf32>, tensor<4x2xf32>) -> tensor<2xf32>
  return
}
