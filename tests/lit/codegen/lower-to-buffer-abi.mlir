// RUN: myelin-opt %s --myelin-lower-to-buffer-abi | FileCheck %s

// All entry functions get one memref per buffer, in the table's order:
// inputs, labels, parameters, gradients, optimizer state, hyper, outputs.

// CHECK: module attributes {myelin.buffers = [
// CHECK-SAME: name = "x", related = "", role = 0 : i32, type = tensor<4x3xf32>
// CHECK-SAME: name = "y", related = "", role = 1 : i32
// CHECK-SAME: init = 7 : i32, {{.*}} name = "w", related = "", role = 2 : i32
// CHECK-SAME: name = "w.grad", related = "w", role = 3 : i32
// CHECK-SAME: name = "w.m", related = "w", role = 4 : i32
// CHECK-SAME: name = "hyper", related = "", role = 5 : i32
// CHECK-SAME: name = "loss", related = "", role = 6 : i32
// CHECK-SAME: myelin.model = "m"

// CHECK-LABEL: func.func @m_eval(
// CHECK-SAME: %[[X:[^:]+]]: memref<4x3xf32> {llvm.noalias}, %{{.+}}: memref<4xi32> {llvm.noalias}, %[[W:[^:]+]]: memref<3x2xf32> {llvm.noalias},
// CHECK:      %[[XT:.+]] = bufferization.to_tensor %[[X]] restrict
// CHECK:      %[[WT:.+]] = bufferization.to_tensor %[[W]] restrict
// CHECK:      nn.matmul %[[XT]], %[[WT]]
// CHECK:      bufferization.materialize_in_destination %{{.+}} in restrict writable %arg6
// CHECK:      return

// CHECK-LABEL: func.func @m_grad(
// CHECK:      bufferization.materialize_in_destination %{{.+}} in restrict writable %arg3 : (tensor<3x2xf32>, memref<3x2xf32>)

// Parameter and state updates are written in place.
// CHECK-LABEL: func.func @m_train(
// CHECK-SAME: %{{.+}}: memref<4x3xf32> {llvm.noalias}, %{{.+}}: memref<4xi32> {llvm.noalias}, %[[P:[^:]+]]: memref<3x2xf32>
// CHECK:      %[[PT:.+]] = bufferization.to_tensor %[[P]] restrict
// CHECK:      %[[NP:[a-z_0-9]+]], %[[NM:[a-z_0-9]+]] = nn.sgd_update %[[PT]]
// CHECK:      bufferization.materialize_in_destination %[[NP]] in restrict writable %[[P]]
// CHECK:      bufferization.materialize_in_destination %[[NM]] in restrict writable %arg4
func.func @m() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model, nn.entry = "eval"} {
  %x = nn.input "x" : tensor<4x3xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <he_normal> : tensor<3x2xf32>
  %h = nn.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %h, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m : tensor<f32>
}
func.func @m_grad() -> (tensor<f32> {nn.role = "loss"}, tensor<3x2xf32> {nn.role = "grad", nn.target = "w"}) attributes {nn.entry = "grad"} {
  %c = arith.constant dense<0.0> : tensor<f32>
  %g = arith.constant dense<0.0> : tensor<3x2xf32>
  return %c, %g : tensor<f32>, tensor<3x2xf32>
}
func.func @m_train_step() -> (tensor<f32> {nn.role = "loss"}, tensor<3x2xf32> {nn.role = "update", nn.target = "w"}, tensor<3x2xf32> {nn.role = "update", nn.target = "w.m"}) attributes {nn.entry = "train"} {
  %c = arith.constant dense<0.0> : tensor<f32>
  %w = nn.param "w" init <he_normal> : tensor<3x2xf32>
  %g = arith.constant dense<0.0> : tensor<3x2xf32>
  %m = nn.opt_state "w.m" of "w" : tensor<3x2xf32>
  %h = nn.hyper : tensor<16xf32>
  %s = arith.constant dense<1.0> : tensor<f32>
  %p1, %m1 = nn.sgd_update %w, %g, %m, %h, %s : tensor<3x2xf32>, tensor<16xf32>
  return %c, %p1, %m1 : tensor<f32>, tensor<3x2xf32>, tensor<3x2xf32>
}
