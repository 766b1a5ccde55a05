// RUN: myelin-opt %s --split-input-file --verify-diagnostics

func.func @matmul_contracting(%a: tensor<4x3xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{'nn.matmul' contracting dimensions differ: lhs [4, 3] vs rhs [4, 2] (3 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<4x3xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<4xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{'nn.matmul' expects lhs of rank 2 or more, got shape [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<4xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<4x3xf32>, %b: tensor<3x2xf32>) {
  // expected-error @+2 {{'nn.matmul' op inferred type(s) 'tensor<4x2xf32>' are incompatible with return type(s) of operation 'tensor<4x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @linear_features(%x: tensor<4x3xf32>, %w: tensor<5x2xf32>, %b: tensor<2xf32>) {
  // expected-error @+2 {{'nn.linear' input features 3 (input shape [4, 3]) do not match weight rows 5 (weight shape [5, 2])}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.linear %x, %w, %b : (tensor<4x3xf32>, tensor<5x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @linear_bias(%x: tensor<4x3xf32>, %w: tensor<3x2xf32>, %b: tensor<7xf32>) {
  // expected-error @+2 {{'nn.linear' bias size 7 does not match weight columns 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.linear %x, %w, %b : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<7xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @ce_batch(%l: tensor<4x3xf32>, %y: tensor<5xi32>) {
  // expected-error @+2 {{'nn.softmax_cross_entropy' batch of logits [4, 3] differs from labels [5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<4x3xf32>, tensor<5xi32>) -> tensor<4xf32>
  return
}

// -----

func.func @ce_labels_type(%l: tensor<4x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer values}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @element_type(%x: tensor<4xf64>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float values}}
  %0 = nn.relu %x : tensor<4xf64>
  return
}

// -----

func.func @add_types(%a: tensor<4xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{'nn.add' rhs shape [5] must equal lhs shape [4] or a suffix of it}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "nn.add"(%a, %b) : (tensor<4xf32>, tensor<5xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @reduce_dim(%a: tensor<4x2xf32>) {
  // expected-error @+2 {{'nn.reduce_sum' dimension 2 is out of range for shape [4, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reduce_sum %a dims [2] : tensor<4x2xf32> -> tensor<4xf32>
  return
}

// -----

func.func @param_normal() {
  // expected-error @+1 {{'nn.param' op normal initializer needs a positive std, got 0}}
  %0 = nn.param "w" init <normal> : tensor<4xf32>
  return
}

// -----

func.func @param_uniform() {
  // expected-error @+1 {{'nn.param' op uniform initializer needs low < high, got 1.000000e+00 and 0.000000e+00}}
  %0 = nn.param "w" init <uniform> {init_a = 1.0 : f32, init_b = 0.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @hyper_shape() {
  // expected-error @+1 {{'nn.hyper' op result must be tensor<16xf32>, got 'tensor<4xf32>'}}
  %0 = nn.hyper : tensor<4xf32>
  return
}

// -----

func.func @dynamic(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{must be statically shaped tensor}}
  %0 = nn.relu %x : tensor<?x4xf32>
  return
}
