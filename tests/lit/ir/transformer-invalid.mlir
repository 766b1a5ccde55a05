// RUN: myelin-opt %s --split-input-file --verify-diagnostics
// Every verifier and shape-inference error of the transformer ops.

func.func @layer_norm_gamma(%x: tensor<2x4x8xf32>, %g: tensor<7xf32>, %b: tensor<8xf32>) {
  // expected-error @+2 {{'nn.layer_norm' expects gamma of shape [8] (the input's last dimension, input shape [2, 4, 8]), got [7]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.layer_norm %x, %g, %b : (tensor<2x4x8xf32>, tensor<7xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return
}

// -----

func.func @layer_norm_beta(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+2 {{'nn.layer_norm' expects beta of shape [8] (the input's last dimension, input shape [2, 4, 8]), got [1, 8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.layer_norm %x, %g, %b : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<1x8xf32>) -> tensor<2x4x8xf32>
  return
}

// -----

func.func @layer_norm_result(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) {
  // expected-error @+2 {{'nn.layer_norm' op inferred type(s) 'tensor<2x4x8xf32>' are incompatible with return type(s) of operation 'tensor<8x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.layer_norm %x, %g, %b : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  return
}

// -----

func.func @layer_norm_scalar(%x: tensor<f32>, %g: tensor<1xf32>, %b: tensor<1xf32>) {
  // expected-error @+1 {{'nn.layer_norm' op operand #0 must be statically shaped tensor of rank >= 1}}
  %0 = nn.layer_norm %x, %g, %b : (tensor<f32>, tensor<1xf32>, tensor<1xf32>) -> tensor<f32>
  return
}

// -----

func.func @layer_norm_grad_shape(%dy: tensor<2x8xf32>, %x: tensor<2x4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+2 {{'nn.layer_norm_grad' grad shape [2, 8] differs from input shape [2, 4, 8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = nn.layer_norm_grad %dy, %x, %g : (tensor<2x8xf32>, tensor<2x4x8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @layer_norm_grad_gamma(%dy: tensor<2x8xf32>, %x: tensor<2x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+2 {{'nn.layer_norm_grad' expects gamma of shape [8] (the input's last dimension, input shape [2, 8]), got [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = nn.layer_norm_grad %dy, %x, %g : (tensor<2x8xf32>, tensor<2x8xf32>, tensor<4xf32>) -> (tensor<2x8xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @rms_norm_gamma(%x: tensor<2x4x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+2 {{'nn.rms_norm' expects gamma of shape [8] (the input's last dimension, input shape [2, 4, 8]), got [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.rms_norm %x, %g : (tensor<2x4x8xf32>, tensor<4xf32>) -> tensor<2x4x8xf32>
  return
}

// -----

func.func @rms_norm_grad_shape(%dy: tensor<4x8xf32>, %x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+2 {{'nn.rms_norm_grad' grad shape [4, 8] differs from input shape [2, 8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = nn.rms_norm_grad %dy, %x, %g : (tensor<4x8xf32>, tensor<2x8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @softmax_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{'nn.softmax' op operand #0 must be statically shaped tensor of rank >= 1}}
  %0 = nn.softmax %x : tensor<f32>
  return
}

// -----

func.func @gelu_approximate(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'nn.gelu' op approximate must be "none" or "tanh", got "erf"}}
  %0 = nn.gelu %x {approximate = "erf"} : tensor<4x8xf32>
  return
}

// -----

func.func @gelu_grad_approximate(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>) {
  // expected-error @+1 {{'nn.gelu_grad' op approximate must be "none" or "tanh", got "sigmoid"}}
  %0 = nn.gelu_grad %dy, %x {approximate = "sigmoid"} : tensor<4x8xf32>
  return
}

// -----

func.func @scale_factor(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'nn.scale' op requires attribute 'factor'}}
  %0 = nn.scale %x : tensor<4x8xf32>
  return
}

// -----

func.func @causal_mask_rank(%x: tensor<8xf32>) {
  // expected-error @+1 {{'nn.causal_mask' op expects rank >= 2 with trailing [T, T] dimensions, got shape [8]}}
  %0 = nn.causal_mask %x : tensor<8xf32>
  return
}

// -----

func.func @causal_mask_square(%x: tensor<2x4x8xf32>) {
  // expected-error @+1 {{'nn.causal_mask' op expects square trailing dimensions [T, T], got 4 x 8 (shape [2, 4, 8])}}
  %0 = nn.causal_mask %x : tensor<2x4x8xf32>
  return
}

// -----

func.func @causal_mask_grad_square(%dy: tensor<4x5xf32>) {
  // expected-error @+1 {{'nn.causal_mask_grad' op expects square trailing dimensions [T, T], got 4 x 5 (shape [4, 5])}}
  %0 = nn.causal_mask_grad %dy : tensor<4x5xf32>
  return
}

// -----

func.func @dropout_rate_one(%x: tensor<4x8xf32>, %h: tensor<16xf32>) {
  // expected-error @+1 {{'nn.dropout' op rate must be in [0, 1), got 1.000000e+00}}
  %0 = nn.dropout %x, %h {rate = 1.0 : f32, seed = 1 : i64} : tensor<4x8xf32>, tensor<16xf32>
  return
}

// -----

func.func @dropout_rate_negative(%x: tensor<4x8xf32>, %h: tensor<16xf32>) {
  // expected-error @+1 {{'nn.dropout' op rate must be in [0, 1), got -1.000000e-01}}
  %0 = nn.dropout %x, %h {rate = -0.1 : f32, seed = 1 : i64} : tensor<4x8xf32>, tensor<16xf32>
  return
}

// -----

func.func @dropout_hyper_size(%x: tensor<4x8xf32>, %h: tensor<4xf32>) {
  // expected-error @+1 {{'nn.dropout' op hyper must be 1-D with at least 8 entries (step at 7), got shape [4]}}
  %0 = nn.dropout %x, %h {rate = 0.5 : f32, seed = 1 : i64} : tensor<4x8xf32>, tensor<4xf32>
  return
}

// -----

func.func @dropout_grad_hyper_rank(%dy: tensor<4x8xf32>, %h: tensor<2x8xf32>) {
  // expected-error @+1 {{'nn.dropout_grad' op hyper must be 1-D with at least 8 entries (step at 7), got shape [2, 8]}}
  %0 = nn.dropout_grad %dy, %h {rate = 0.5 : f32, seed = 1 : i64} : tensor<4x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @dropout_grad_rate(%dy: tensor<4x8xf32>, %h: tensor<16xf32>) {
  // expected-error @+1 {{'nn.dropout_grad' op rate must be in [0, 1), got 1.500000e+00}}
  %0 = nn.dropout_grad %dy, %h {rate = 1.5 : f32, seed = 1 : i64} : tensor<4x8xf32>, tensor<16xf32>
  return
}
