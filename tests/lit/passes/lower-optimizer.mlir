// RUN: myelin-opt %s --nn-generate-gradients --nn-lower-optimizer --split-input-file | FileCheck %s
// RUN: myelin-opt %s --nn-generate-gradients --nn-lower-optimizer=optimizer=sgd --split-input-file | FileCheck %s --check-prefix=SGD
// RUN: myelin-opt %s --nn-generate-gradients --nn-lower-optimizer=optimizer=adamw --split-input-file | FileCheck %s --check-prefix=ADAMW

// CHECK-LABEL: func.func @m_train_step()
// CHECK-SAME: -> (tensor<f32> {nn.role = "loss"}, tensor<3x2xf32> {nn.role = "update", nn.target = "w"}, tensor<2xf32> {nn.role = "update", nn.target = "b"}, tensor<f32> {nn.role = "grad_norm"}, tensor<3x2xf32> {nn.role = "update", nn.target = "w.adam_m"}, tensor<3x2xf32> {nn.role = "update", nn.target = "w.adam_v"}, tensor<2xf32> {nn.role = "update", nn.target = "b.adam_m"}, tensor<2xf32> {nn.role = "update", nn.target = "b.adam_v"})
// CHECK-SAME: nn.entry = "train"
// CHECK:      %[[W:.+]] = nn.param "w"
// CHECK:      %[[B:.+]] = nn.param "b" init <zeros> {no_decay}
// CHECK:      %[[DW:.+]] = nn.matmul %{{.+}}, %{{.+}} {transpose_lhs}
// CHECK:      %[[DB:.+]] = nn.reduce_sum
// CHECK:      %[[H:.+]] = nn.hyper : tensor<16xf32>
// The global gradient norm, for clipping (hyper[8]) and telemetry.
// CHECK:      %[[SW:.+]] = nn.sum_squares %[[DW]]
// CHECK:      %[[SB:.+]] = nn.sum_squares %[[DB]]
// CHECK:      %[[SS:.+]] = nn.add %[[SW]], %[[SB]] : tensor<f32>
// CHECK:      %[[SCALE:.+]], %[[NORM:.+]] = nn.clip_scale %[[SS]], %[[H]]
// CHECK:      %[[M:.+]] = nn.opt_state "w.adam_m" of "w"
// CHECK:      %[[V:.+]] = nn.opt_state "w.adam_v" of "w"
// CHECK:      %[[P1:.+]], %[[M1:.+]], %[[V1:.+]] = nn.adam_update %[[W]], %[[DW]], %[[M]], %[[V]], %[[H]], %[[SCALE]] :
// Biases are not decayed.
// CHECK:      nn.adam_update %[[B]], %[[DB]], %{{.+}}, %{{.+}}, %[[H]], %[[SCALE]] {no_decay} :
// CHECK:      return %{{.+}}, %[[P1]], %{{.+}}, %[[NORM]], %[[M1]], %[[V1]]

// SGD-LABEL: func.func @m_train_step()
// SGD: %[[MOM:.+]] = nn.opt_state "w.momentum" of "w"
// SGD: nn.sgd_update %{{.+}}, %{{.+}}, %[[MOM]], %{{.+}}, %{{.+}} :

// ADAMW-LABEL: func.func @m_train_step()
// ADAMW: nn.adam_update {{.+}} {decoupled}
func.func @m() -> (tensor<f32> {nn.role = "loss"}) attributes {nn.model, nn.train = {optimizer = #nn.optimizer<adam>}} {
  %x = nn.input "x" : tensor<4x3xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <zeros> : tensor<3x2xf32>
  %b = nn.param "b" init <zeros> {no_decay} : tensor<2xf32>
  %h = nn.linear %x, %w, %b : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %h, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m : tensor<f32>
}
