// Non-finite inputs through the activation lowerings (nn -> linalg -> loops
// with myelin-approximate-math's polynomials, run by mlir-cpu-runner), on
// [NaN, +inf, -inf, 0, 100, -100, 1, -1]: a NaN stays NaN through every
// activation (the approximations' clamps are unordered compare-selects, and
// relu's select is `ugt`), so it reaches the loss, where the runtime stops;
// infinities saturate as the functions do. gelu and silu of -inf are NaN
// (x times a CDF of 0), as in PyTorch.
// RUN: myelin-opt %s --myelin-lower-to-linalg --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --buffer-deallocation-pipeline --convert-bufferization-to-memref --convert-linalg-to-loops --myelin-approximate-math --lower-affine --convert-scf-to-cf --expand-strided-metadata --lower-affine --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// sigmoid
// CHECK: {{\[\[}}{{-?}}nan, 1, 0, 0.5, 1, 0, 0.731059, 0.268941]]
// tanh
// CHECK: {{\[\[}}{{-?}}nan, 1, -1, 0, 1, -1, 0.761594, -0.761594]]
// gelu, tanh approximation
// CHECK: {{\[\[}}{{-?}}nan, inf, {{-?}}nan, 0, 100, {{-?}}0, 0.841192, -0.158808]]
// gelu, erf
// CHECK: {{\[\[}}{{-?}}nan, inf, {{-?}}nan, 0, 100, {{-?}}0, 0.841345, -0.158655]]
// silu
// CHECK: {{\[\[}}{{-?}}nan, inf, {{-?}}nan, 0, 100, {{-?}}0, 0.731059, -0.268941]]
// relu
// CHECK: {{\[\[}}{{-?}}nan, inf, 0, 0, 100, 0, 1, 0]]

func.func private @printMemrefF32(tensor<*xf32>)
func.func @print(%t: tensor<*xf32>) {
  call @printMemrefF32(%t) : (tensor<*xf32>) -> ()
  return
}
func.func @main() {
  %x = arith.constant dense<[[0x7FC00000, 0x7F800000, 0xFF800000, 0.0, 100.0, -100.0, 1.0, -1.0]]> : tensor<1x8xf32>
  %s = nn.sigmoid %x : tensor<1x8xf32>
  %t = nn.tanh %x : tensor<1x8xf32>
  %g = nn.gelu %x {approximate = "tanh"} : tensor<1x8xf32>
  %e = nn.gelu %x {approximate = "none"} : tensor<1x8xf32>
  %u = nn.silu %x : tensor<1x8xf32>
  %r = nn.relu %x : tensor<1x8xf32>
  %p0 = tensor.cast %s : tensor<1x8xf32> to tensor<*xf32>
  call @print(%p0) : (tensor<*xf32>) -> ()
  %p1 = tensor.cast %t : tensor<1x8xf32> to tensor<*xf32>
  call @print(%p1) : (tensor<*xf32>) -> ()
  %p2 = tensor.cast %g : tensor<1x8xf32> to tensor<*xf32>
  call @print(%p2) : (tensor<*xf32>) -> ()
  %p3 = tensor.cast %e : tensor<1x8xf32> to tensor<*xf32>
  call @print(%p3) : (tensor<*xf32>) -> ()
  %p4 = tensor.cast %u : tensor<1x8xf32> to tensor<*xf32>
  call @print(%p4) : (tensor<*xf32>) -> ()
  %p5 = tensor.cast %r : tensor<1x8xf32> to tensor<*xf32>
  call @print(%p5) : (tensor<*xf32>) -> ()
  return
}
