// RUN: myelin-opt %s | myelin-opt | FileCheck %s
// Round trip of every nn op through the parser and printer.

// CHECK-LABEL: func.func @decls
func.func @decls() -> (tensor<4x3xf32>, tensor<4xi32>, tensor<3x2xf32>, tensor<2xf32>, tensor<3x2xf32>, tensor<16xf32>) {
  // CHECK: nn.input "x" : tensor<4x3xf32>
  %x = nn.input "x" : tensor<4x3xf32>
  // CHECK: nn.label "y" : tensor<4xi32>
  %y = nn.label "y" : tensor<4xi32>
  // CHECK: nn.param "w" init <he_normal> : tensor<3x2xf32>
  %w = nn.param "w" init <he_normal> : tensor<3x2xf32>
  // CHECK: nn.param "b" init <normal> {init_b = 2.000000e-02 : f32, no_decay} : tensor<2xf32>
  %b = nn.param "b" init <normal> {init_a = 0.0 : f32, init_b = 0.02 : f32, no_decay} : tensor<2xf32>
  // CHECK: nn.opt_state "w.m" of "w" : tensor<3x2xf32>
  %m = nn.opt_state "w.m" of "w" : tensor<3x2xf32>
  // CHECK: nn.hyper : tensor<16xf32>
  %h = nn.hyper : tensor<16xf32>
  return %x, %y, %w, %b, %m, %h : tensor<4x3xf32>, tensor<4xi32>, tensor<3x2xf32>, tensor<2xf32>, tensor<3x2xf32>, tensor<16xf32>
}

// CHECK-LABEL: func.func @compute
func.func @compute(%x: tensor<4x3xf32>, %w: tensor<3x2xf32>, %b: tensor<2xf32>, %y: tensor<4xi32>) -> tensor<f32> {
  // CHECK: nn.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %0 = nn.linear %x, %w, %b : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} {transpose_lhs} : (tensor<4x3xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %1 = nn.matmul %x, %0 {transpose_lhs} : (tensor<4x3xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  // CHECK: nn.relu %{{.*}} : tensor<4x2xf32>
  %2 = nn.relu %0 : tensor<4x2xf32>
  // CHECK: nn.sigmoid
  %3 = nn.sigmoid %2 : tensor<4x2xf32>
  // CHECK: nn.tanh
  %4 = nn.tanh %3 : tensor<4x2xf32>
  // CHECK: nn.add
  %5 = nn.add %4, %2 : tensor<4x2xf32>
  // CHECK: nn.softmax_cross_entropy %{{.*}}, %{{.*}} : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %6 = nn.softmax_cross_entropy %5, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  // CHECK: nn.mean %{{.*}} : tensor<4xf32> -> tensor<f32>
  %7 = nn.mean %6 : tensor<4xf32> -> tensor<f32>
  return %7 : tensor<f32>
}

// CHECK-LABEL: func.func @gradients
func.func @gradients(%dy: tensor<4x2xf32>, %x: tensor<4x2xf32>, %dl: tensor<4xf32>, %y: tensor<4xi32>, %s: tensor<f32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<2xf32>, tensor<4xf32>) {
  // CHECK: nn.relu_grad
  %0 = nn.relu_grad %dy, %x : tensor<4x2xf32>
  // CHECK: nn.sigmoid_grad
  %1 = nn.sigmoid_grad %dy, %x : tensor<4x2xf32>
  // CHECK: nn.tanh_grad
  %2 = nn.tanh_grad %dy, %x : tensor<4x2xf32>
  // CHECK: nn.softmax_cross_entropy_grad
  %3 = nn.softmax_cross_entropy_grad %dl, %x, %y : (tensor<4xf32>, tensor<4x2xf32>, tensor<4xi32>) -> tensor<4x2xf32>
  // CHECK: nn.reduce_sum %{{.*}} dims [0] : tensor<4x2xf32> -> tensor<2xf32>
  %4 = nn.reduce_sum %dy dims [0] : tensor<4x2xf32> -> tensor<2xf32>
  // CHECK: nn.broadcast %{{.*}} {scale = 2.500000e-01 : f32} : tensor<f32> -> tensor<4xf32>
  %5 = nn.broadcast %s {scale = 0.25 : f32} : tensor<f32> -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<2xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @optimizers
func.func @optimizers(%p: tensor<3xf32>, %g: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %h: tensor<16xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<f32>) {
  // CHECK: %[[SS:.+]] = nn.sum_squares %{{.*}} : tensor<3xf32> -> tensor<f32>
  %ss = nn.sum_squares %g : tensor<3xf32> -> tensor<f32>
  // CHECK: %[[S:.+]], %{{.+}} = nn.clip_scale %[[SS]], %{{.*}} : tensor<16xf32>
  %s, %norm = nn.clip_scale %ss, %h : tensor<16xf32>
  // CHECK: nn.sgd_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[S]] {no_decay} : tensor<3xf32>, tensor<16xf32>
  %p1, %m1 = nn.sgd_update %p, %g, %m, %h, %s {no_decay} : tensor<3xf32>, tensor<16xf32>
  // CHECK: nn.adam_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[S]] {decoupled} : tensor<3xf32>, tensor<16xf32>
  %p2, %m2, %v2 = nn.adam_update %p1, %g, %m1, %v, %h, %s {decoupled} : tensor<3xf32>, tensor<16xf32>
  return %p2, %v2, %norm : tensor<3xf32>, tensor<3xf32>, tensor<f32>
}
