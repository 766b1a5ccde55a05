// RUN: myelin-opt %s --pass-pipeline='builtin.module(func.func(myelin-unshare-inits))' | FileCheck %s
// RUN: myelin-opt %s --pass-pipeline='builtin.module(func.func(myelin-unshare-inits),one-shot-bufferize{bufferize-function-boundaries=true})' | FileCheck %s --check-prefix=BUF

// Two products accumulate into one CSE'd zero tensor: each gets its own
// fill, and bufferization then needs no copy.
// CHECK-LABEL: func.func @shared(
// CHECK: %[[E1:.*]] = tensor.empty()
// CHECK: %[[F1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E1]] : tensor<4x4xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[F1]] : tensor<4x4xf32>)
// CHECK: %[[E2:.*]] = tensor.empty()
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK: linalg.matmul ins(%arg1, %arg0 : {{.*}}) outs(%[[F2]] : tensor<4x4xf32>)
// BUF-LABEL: func.func @shared(
// BUF-NOT: memref.copy
// BUF: return
func.func @shared(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %q = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %p, %q : tensor<4x4xf32>, tensor<4x4xf32>
}

// A fill that is also read (not only a destination) keeps the original for
// its reader; its destination use gets a clone.
// CHECK-LABEL: func.func @read(
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: %[[F2:.*]] = linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg0 : {{.*}}) outs(%[[F2]] : tensor<4x4xf32>)
// CHECK: return %[[F]],
func.func @read(%a: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p = linalg.matmul ins(%a, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %f, %p : tensor<4x4xf32>, tensor<4x4xf32>
}

// One empty tensor as the destination of a gradient and of the update
// after it: the update gets its own, so it is not written into the
// gradient's buffer.
// CHECK-LABEL: func.func @empty(
// CHECK: %[[E1:.*]] = tensor.empty()
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%[[E1]] : tensor<8xf32>)
// CHECK: %[[E2:.*]] = tensor.empty()
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[G]] : tensor<8xf32>, tensor<8xf32>) outs(%[[E2]] : tensor<8xf32>)
func.func @empty(%p: tensor<8xf32>, %x: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%p, %g : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %u : tensor<8xf32>
}
