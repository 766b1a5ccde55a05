// RUN: myelin-opt %s --nn-generate-gradients --split-input-file | FileCheck %s
// Gradient rules of the shape and embedding ops and of the batched and
// broadcasting forms of nn.matmul, nn.linear, nn.add and
// nn.softmax_cross_entropy.

// Batched matmul (attention): the 2-D rules per batch entry, transposes
// folded into the flags. Per-token cross-entropy over [B, T, V] logits.
// CHECK-LABEL: func.func @attn_grad()
// CHECK:      %[[Q:.+]] = nn.reshape %{{.+}} : tensor<2x16xf32> -> tensor<2x2x2x4xf32>
// CHECK:      %[[K:.+]] = nn.reshape %{{.+}} : tensor<2x16xf32> -> tensor<2x2x2x4xf32>
// CHECK:      %[[S:.+]] = nn.matmul %[[Q]], %[[K]] {transpose_rhs}
// CHECK:      %[[L:.+]] = nn.reshape %[[S]] : tensor<2x2x2x2xf32> -> tensor<2x4x2xf32>
// CHECK:      %[[DL:.+]] = nn.softmax_cross_entropy_grad %{{.+}}, %[[L]], %{{.+}} : (tensor<2x4xf32>, tensor<2x4x2xf32>, tensor<2x4xi32>) -> tensor<2x4x2xf32>
// CHECK:      %[[DS:.+]] = nn.reshape %[[DL]] : tensor<2x4x2xf32> -> tensor<2x2x2x2xf32>
// CHECK-NEXT: %[[DQ:.+]] = nn.matmul %[[DS]], %[[K]] : (tensor<2x2x2x2xf32>, tensor<2x2x2x4xf32>) -> tensor<2x2x2x4xf32>
// CHECK-NEXT: %[[DK:.+]] = nn.matmul %[[DS]], %[[Q]] {transpose_lhs} : (tensor<2x2x2x2xf32>, tensor<2x2x2x4xf32>) -> tensor<2x2x2x4xf32>
// CHECK-NEXT: nn.reshape %[[DK]] : tensor<2x2x2x4xf32> -> tensor<2x16xf32>
// CHECK:      nn.reshape %[[DQ]] : tensor<2x2x2x4xf32> -> tensor<2x16xf32>
func.func @attn() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %y = nn.label "y" : tensor<2x4xi32>
  %wq = nn.param "q" init <zeros> : tensor<2x16xf32>
  %wk = nn.param "k" init <zeros> : tensor<2x16xf32>
  %q = nn.reshape %wq : tensor<2x16xf32> -> tensor<2x2x2x4xf32>
  %k = nn.reshape %wk : tensor<2x16xf32> -> tensor<2x2x2x4xf32>
  %s = nn.matmul %q, %k {transpose_rhs} : (tensor<2x2x2x4xf32>, tensor<2x2x2x4xf32>) -> tensor<2x2x2x2xf32>
  %logits = nn.reshape %s : tensor<2x2x2x2xf32> -> tensor<2x4x2xf32>
  %l = nn.softmax_cross_entropy %logits, %y : (tensor<2x4x2xf32>, tensor<2x4xi32>) -> tensor<2x4xf32>
  %m = nn.mean %l : tensor<2x4xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// Weight tying: the embedding table is also the output projection, a
// matmul with a shared rank-2 rhs. Its gradient sums the scatter-add of the
// embedding and the matmul's rhs gradient, a 2-D matmul of the [B*T, ...]
// rows. Learned positions [T, C] are broadcast; their gradient is reduced
// over the batch.
// CHECK-LABEL: func.func @tied_grad()
// CHECK:      %[[IDS:.+]] = nn.label "ids" : tensor<2x3xi32>
// CHECK:      %[[WTE:.+]] = nn.param "wte"
// CHECK:      %[[WPE:.+]] = nn.param "wpe"
// CHECK:      %[[TOK:.+]] = nn.embedding %[[WTE]], %[[IDS]] : (tensor<5x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
// CHECK:      %[[X:.+]] = nn.add %[[TOK]], %[[WPE]] : tensor<2x3x4xf32>, tensor<3x4xf32>
// CHECK:      %[[LOGITS:.+]] = nn.matmul %[[X]], %[[WTE]] {transpose_rhs} : (tensor<2x3x4xf32>, tensor<5x4xf32>) -> tensor<2x3x5xf32>
// CHECK:      %[[DLOGITS:.+]] = nn.softmax_cross_entropy_grad
// CHECK-NEXT: %[[DX:.+]] = nn.matmul %[[DLOGITS]], %[[WTE]] : (tensor<2x3x5xf32>, tensor<5x4xf32>) -> tensor<2x3x4xf32>
// CHECK-NEXT: %[[XROWS:.+]] = nn.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK-NEXT: %[[DROWS:.+]] = nn.reshape %[[DLOGITS]] : tensor<2x3x5xf32> -> tensor<6x5xf32>
// CHECK-NEXT: %[[DWTE1:.+]] = nn.matmul %[[DROWS]], %[[XROWS]] {transpose_lhs} : (tensor<6x5xf32>, tensor<6x4xf32>) -> tensor<5x4xf32>
// CHECK-NEXT: %[[DWPE:.+]] = nn.reduce_sum %[[DX]] dims [0] : tensor<2x3x4xf32> -> tensor<3x4xf32>
// CHECK-NEXT: %[[DWTE2:.+]] = nn.embedding_grad %[[DX]], %[[IDS]] vocab 5 : (tensor<2x3x4xf32>, tensor<2x3xi32>) -> tensor<5x4xf32>
// CHECK-NEXT: %[[DWTE:.+]] = nn.add %[[DWTE1]], %[[DWTE2]] : tensor<5x4xf32>
// CHECK-NEXT: return %{{.+}}, %[[DWTE]], %[[DWPE]]
func.func @tied() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %ids = nn.label "ids" : tensor<2x3xi32>
  %wte = nn.param "wte" init <normal> {init_b = 0.02 : f32} : tensor<5x4xf32>
  %wpe = nn.param "wpe" init <normal> {init_b = 0.02 : f32} : tensor<3x4xf32>
  %tok = nn.embedding %wte, %ids : (tensor<5x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  %x = nn.add %tok, %wpe : tensor<2x3x4xf32>, tensor<3x4xf32>
  %logits = nn.matmul %x, %wte {transpose_rhs} : (tensor<2x3x4xf32>, tensor<5x4xf32>) -> tensor<2x3x5xf32>
  %l = nn.softmax_cross_entropy %logits, %ids : (tensor<2x3x5xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  %m = nn.mean %l : tensor<2x3xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// A shared rank-2 rhs without transpose: dB = rows(A)^T rows(dC).
// CHECK-LABEL: func.func @shared_grad()
// CHECK:      %[[A:.+]] = nn.reshape %{{.+}} : tensor<6x4xf32> -> tensor<2x3x4xf32>
// CHECK:      %[[W:.+]] = nn.param "w"
// CHECK:      nn.softmax_cross_entropy_grad
// CHECK:      %[[DC:.+]] = nn.reshape %{{.+}} : tensor<6x5xf32> -> tensor<2x3x5xf32>
// CHECK-NEXT: %[[DA:.+]] = nn.matmul %[[DC]], %[[W]] {transpose_rhs} : (tensor<2x3x5xf32>, tensor<4x5xf32>) -> tensor<2x3x4xf32>
// CHECK-NEXT: %[[AROWS:.+]] = nn.reshape %[[A]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK-NEXT: %[[DROWS:.+]] = nn.reshape %[[DC]] : tensor<2x3x5xf32> -> tensor<6x5xf32>
// CHECK-NEXT: %[[DW:.+]] = nn.matmul %[[AROWS]], %[[DROWS]] {transpose_lhs} : (tensor<6x4xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
// CHECK-NEXT: nn.reshape %[[DA]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
func.func @shared() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %y = nn.label "y" : tensor<6xi32>
  %p = nn.param "a" init <zeros> : tensor<6x4xf32>
  %a = nn.reshape %p : tensor<6x4xf32> -> tensor<2x3x4xf32>
  %w = nn.param "w" init <zeros> : tensor<4x5xf32>
  %c = nn.matmul %a, %w : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %logits = nn.reshape %c : tensor<2x3x5xf32> -> tensor<6x5xf32>
  %l = nn.softmax_cross_entropy %logits, %y : (tensor<6x5xf32>, tensor<6xi32>) -> tensor<6xf32>
  %m = nn.mean %l : tensor<6xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// nn.linear on [B, T, C]: dX through the shared weight, dW from the
// flattened rows, db summed over both leading dimensions. Broadcast adds
// reduce their rhs gradient over the dimensions they repeat along.
// CHECK-LABEL: func.func @linear3_grad()
// CHECK:      %[[X:.+]] = nn.reshape %{{.+}} : tensor<4x6xf32> -> tensor<2x4x3xf32>
// CHECK:      %[[W:.+]] = nn.param "w"
// CHECK:      %[[SHIFT:.+]] = nn.param "shift"
// CHECK:      %[[H:.+]] = nn.linear %[[X]], %[[W]], %{{.+}} : (tensor<2x4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<2x4x5xf32>
// CHECK:      nn.softmax_cross_entropy_grad
// CHECK:      %[[DS:.+]] = nn.reshape %{{.+}} : tensor<8x5xf32> -> tensor<2x4x5xf32>
// CHECK-NEXT: %[[DSHIFT:.+]] = nn.reduce_sum %[[DS]] dims [0, 1] : tensor<2x4x5xf32> -> tensor<5xf32>
// CHECK-NEXT: %[[DX:.+]] = nn.matmul %[[DS]], %[[W]] {transpose_rhs} : (tensor<2x4x5xf32>, tensor<3x5xf32>) -> tensor<2x4x3xf32>
// CHECK-NEXT: %[[XROWS:.+]] = nn.reshape %[[X]] : tensor<2x4x3xf32> -> tensor<8x3xf32>
// CHECK-NEXT: %[[DROWS:.+]] = nn.reshape %[[DS]] : tensor<2x4x5xf32> -> tensor<8x5xf32>
// CHECK-NEXT: %[[DW:.+]] = nn.matmul %[[XROWS]], %[[DROWS]] {transpose_lhs} : (tensor<8x3xf32>, tensor<8x5xf32>) -> tensor<3x5xf32>
// CHECK-NEXT: %[[DB:.+]] = nn.reduce_sum %[[DS]] dims [0, 1] : tensor<2x4x5xf32> -> tensor<5xf32>
func.func @linear3() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %y = nn.label "y" : tensor<8xi32>
  %p = nn.param "x" init <zeros> : tensor<4x6xf32>
  %x = nn.reshape %p : tensor<4x6xf32> -> tensor<2x4x3xf32>
  %w = nn.param "w" init <zeros> : tensor<3x5xf32>
  %b = nn.param "b" init <zeros> : tensor<5xf32>
  %shift = nn.param "shift" init <zeros> : tensor<5xf32>
  %h = nn.linear %x, %w, %b : (tensor<2x4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<2x4x5xf32>
  %s = nn.add %h, %shift : tensor<2x4x5xf32>, tensor<5xf32>
  %logits = nn.reshape %s : tensor<2x4x5xf32> -> tensor<8x5xf32>
  %l = nn.softmax_cross_entropy %logits, %y : (tensor<8x5xf32>, tensor<8xi32>) -> tensor<8xf32>
  %m = nn.mean %l : tensor<8xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// Transposes undo themselves with the inverse permutation.
// CHECK-LABEL: func.func @transpose_grad()
// CHECK:      %[[T:.+]] = nn.transpose %{{.+}} permutation [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
// CHECK:      nn.softmax_cross_entropy_grad
// CHECK:      %[[DT:.+]] = nn.reshape %{{.+}} : tensor<12x2xf32> -> tensor<3x4x2xf32>
// CHECK-NEXT: nn.transpose %[[DT]] permutation [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
func.func @transpose() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model} {
  %y = nn.label "y" : tensor<12xi32>
  %p = nn.param "p" init <zeros> : tensor<2x3x4xf32>
  %t = nn.transpose %p permutation [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %logits = nn.reshape %t : tensor<3x4x2xf32> -> tensor<12x2xf32>
  %l = nn.softmax_cross_entropy %logits, %y : (tensor<12x2xf32>, tensor<12xi32>) -> tensor<12xf32>
  %m = nn.mean %l : tensor<12xf32> -> tensor<f32>
  return %m : tensor<f32>
}
