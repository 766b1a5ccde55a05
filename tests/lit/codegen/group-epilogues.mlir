// RUN: myelin-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(myelin-group-epilogues))' --mlir-print-debuginfo | FileCheck %s

// Forward: bias broadcast, product, GELU-like activation. The product's
// result is also returned (the backward needs the pre-activation), so the
// activation keeps its own destination; all three get the tag
// linear_gelu_fwd (the product's layer).
#id2 = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#fc = loc("fc"("x.nn":3:1))
#act = loc("fc"("x.nn":3:7))
// CHECK-LABEL: func.func @forward
// CHECK:       %[[EMPTY:.+]] = tensor.empty() : tensor<8x40xf32>
// CHECK:       %[[BIAS:.+]] = linalg.generic {{.*}} ins(%arg2 : tensor<40xf32>) outs(%[[EMPTY]]
// CHECK:       } -> tensor<8x40xf32> loc(#[[TAGGED:loc[0-9]*]])
// CHECK:       %[[PRE:.+]] = linalg.generic {{.*}} ins(%arg0, %arg1 : {{.*}}) outs(%[[BIAS]] : tensor<8x40xf32>)
// CHECK:       } -> tensor<8x40xf32> loc(#[[TAGGED]])
// CHECK:       %[[ACT:.+]] = linalg.generic {{.*}} ins(%[[PRE]] : tensor<8x40xf32>) outs(%[[EMPTY]] : tensor<8x40xf32>)
// CHECK:         math.tanh
// CHECK:       } -> tensor<8x40xf32> loc(#[[FUSED:loc[0-9]*]])
// CHECK:       return %[[PRE]], %[[ACT]]
// CHECK-DAG:   #[[TAGGED]] = loc(fused<"linear_gelu_fwd">[#{{.*}}])
// CHECK-DAG:   #[[FUSED]] = loc(fused<"linear_gelu_fwd">[#{{.*}}, #{{.*}}])
func.func @forward(%x: tensor<8x16xf32>, %w: tensor<16x40xf32>, %bias: tensor<40xf32>) -> (tensor<8x40xf32>, tensor<8x40xf32>) {
  %empty = tensor.empty() : tensor<8x40xf32>
  %init = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]} ins(%bias : tensor<40xf32>) outs(%empty : tensor<8x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x40xf32> loc(fused<"linear_fwd">[#fc])
  %pre = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<8x16xf32>, tensor<16x40xf32>) outs(%init : tensor<8x40xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x40xf32> loc(fused<"linear_fwd">[#fc])
  %act = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%pre : tensor<8x40xf32>) outs(%empty : tensor<8x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    %y = arith.mulf %in, %t : f32
    linalg.yield %y : f32
  } -> tensor<8x40xf32> loc(fused<"gelu_fwd">[#act])
  return %pre, %act : tensor<8x40xf32>, tensor<8x40xf32>
}

// -----

// Backward: dH = dY * W^T (zero-filled), then the product of another
// layer, then dPre = dH * act'(pre). The derivative moves up to the
// product that it consumes; dH dies there, so dPre is written into it. The
// tag combines the roles under the product's layer (proj).
#id2 = affine_map<(m, n) -> (m, n)>
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
#proj = loc("proj"("x.nn":4:1))
#fc = loc("fc"("x.nn":3:7))
// CHECK-LABEL: func.func @backward
// CHECK:       %[[ZEROS:.+]] = linalg.fill {{.*}} loc(#[[TAGGED:loc[0-9]*]])
// CHECK-NEXT:  %[[DH:.+]] = linalg.generic {{.*}} ins(%arg0, %arg1 : {{.*}}) outs(%[[ZEROS]] : tensor<8x40xf32>)
// CHECK:       } -> tensor<8x40xf32> loc(#[[TAGGED]])
// CHECK-NEXT:  %[[DPRE:.+]] = linalg.generic {{.*}} ins(%[[DH]], %arg2 : tensor<8x40xf32>, tensor<8x40xf32>) outs(%[[DH]] : tensor<8x40xf32>)
// CHECK:       } -> tensor<8x40xf32> loc(#[[FUSED:loc[0-9]*]])
// CHECK-NEXT:  tensor.empty() : tensor<8x16xf32>
// CHECK-NEXT:  %[[OTHER:.+]] = linalg.generic
// CHECK:       return %[[DPRE]], %[[OTHER]]
// CHECK-DAG:   #[[TAGGED]] = loc(fused<"linear_gelu_bwd">[#{{.*}}])
// CHECK-DAG:   #[[FUSED]] = loc(fused<"linear_gelu_bwd">[#{{.*}}, #{{.*}}])
func.func @backward(%dy: tensor<8x16xf32>, %w: tensor<40x16xf32>, %pre: tensor<8x40xf32>, %w2: tensor<16x16xf32>) -> (tensor<8x40xf32>, tensor<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %empty = tensor.empty() : tensor<8x40xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%empty : tensor<8x40xf32>) -> tensor<8x40xf32> loc(fused<"linear_bwd">[#proj])
  %dh = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%dy, %w : tensor<8x16xf32>, tensor<40x16xf32>) outs(%zeros : tensor<8x40xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x40xf32> loc(fused<"linear_bwd">[#proj])
  %empty2 = tensor.empty() : tensor<8x16xf32>
  %other = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%dy, %w2 : tensor<8x16xf32>, tensor<16x16xf32>) outs(%empty2 : tensor<8x16xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32> loc(fused<"linear_bwd">[#proj])
  %empty3 = tensor.empty() : tensor<8x40xf32>
  %dpre = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%dh, %pre : tensor<8x40xf32>, tensor<8x40xf32>) outs(%empty3 : tensor<8x40xf32>) {
  ^bb0(%g: f32, %x: f32, %out: f32):
    %pos = arith.cmpf ogt, %x, %zero : f32
    %d = arith.select %pos, %g, %zero : f32
    %h = arith.mulf %d, %half : f32
    linalg.yield %h : f32
  } -> tensor<8x40xf32> loc(fused<"gelu_bwd">[#fc])
  return %dpre, %other : tensor<8x40xf32>, tensor<8x16xf32>
}

// -----

// Not grouped: the consumer reads C transposed (not at the index it
// writes), or needs a value computed after the product.
#id2 = affine_map<(m, n) -> (m, n)>
#tr = affine_map<(m, n) -> (n, m)>
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @not_grouped
// CHECK:       %[[P:.+]] = linalg.generic {{.*}}"reduction"
// CHECK:       %[[LATER:.+]] = linalg.generic {{.*}} ins(%arg2 : tensor<8x8xf32>)
// CHECK-NEXT:  ^bb0
// CHECK-NEXT:    math.exp
// CHECK:       linalg.generic {{.*}} ins(%[[P]] : tensor<8x8xf32>) outs(%[[LATER]]
// CHECK:       linalg.generic {{.*}} ins(%[[P]], %[[LATER]] : tensor<8x8xf32>, tensor<8x8xf32>)
// CHECK-NOT:   linear_gelu
func.func @not_grouped(%x: tensor<8x16xf32>, %w: tensor<16x8xf32>, %c0: tensor<8x8xf32>, %out: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %p = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<8x16xf32>, tensor<16x8xf32>) outs(%c0 : tensor<8x8xf32>) {
  ^bb0(%a0: f32, %b0: f32, %r: f32):
    %m = arith.mulf %a0, %b0 : f32
    %s = arith.addf %r, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x8xf32> loc(fused<"linear_fwd">["p"("x.nn":1:1)])
  %later = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%c0 : tensor<8x8xf32>) outs(%out : tensor<8x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  } -> tensor<8x8xf32>
  %t = linalg.generic {indexing_maps = [#tr, #id2], iterator_types = ["parallel", "parallel"]} ins(%p : tensor<8x8xf32>) outs(%later : tensor<8x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.tanh %in : f32
    linalg.yield %e : f32
  } -> tensor<8x8xf32> loc(fused<"gelu_fwd">["p"("x.nn":1:1)])
  %u = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%p, %later : tensor<8x8xf32>, tensor<8x8xf32>) outs(%out : tensor<8x8xf32>) {
  ^bb0(%in: f32, %l: f32, %o: f32):
    %e = arith.addf %in, %l : f32
    linalg.yield %e : f32
  } -> tensor<8x8xf32> loc(fused<"gelu_fwd">["p"("x.nn":1:1)])
  return %t, %u : tensor<8x8xf32>, tensor<8x8xf32>
}

// -----

// Attention scores and their causal mask (a select on the iteration
// indices): the mask joins the product (which it reads only; C dies there,
// so it writes into C's tensor), tag matmul_causal_mask_fwd.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
#id2 = affine_map<(m, n) -> (m, n)>
#scores = loc("attn"("x.nn":5:1))
// CHECK-LABEL: func.func @scores_mask
// CHECK:       %[[S:.+]] = linalg.generic {{.*}} ins(%arg0, %arg1 : {{.*}}) outs(%{{.+}} : tensor<8x8xf32>)
// CHECK:       } -> tensor<8x8xf32> loc(#[[TAGGED:loc[0-9]*]])
// CHECK:       %[[M:.+]] = linalg.generic {{.*}} ins(%[[S]] : tensor<8x8xf32>) outs(%[[S]] : tensor<8x8xf32>)
// CHECK:         linalg.index 0
// CHECK:         arith.select
// CHECK:       } -> tensor<8x8xf32> loc(#[[FUSED:loc[0-9]*]])
// CHECK:       return %[[M]]
// CHECK-DAG:   #[[TAGGED]] = loc(fused<"matmul_causal_mask_fwd">[#{{.*}}])
// CHECK-DAG:   #[[FUSED]] = loc(fused<"matmul_causal_mask_fwd">[#{{.*}}, #{{.*}}])
func.func @scores_mask(%q: tensor<8x4xf32>, %k: tensor<8x4xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<8x8xf32>) -> tensor<8x8xf32>
  %s = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%q, %k : tensor<8x4xf32>, tensor<8x4xf32>) outs(%init : tensor<8x8xf32>) attrs = {myelin.causal = "n_le_m"} {
  ^bb0(%p: f32, %r: f32, %o: f32):
    %m = arith.mulf %p, %r : f32
    %a = arith.addf %o, %m : f32
    linalg.yield %a : f32
  } -> tensor<8x8xf32> loc(fused<"matmul_fwd">[#scores])
  %empty2 = tensor.empty() : tensor<8x8xf32>
  %masked = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<8x8xf32>) outs(%empty2 : tensor<8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %ninf = arith.constant 0xFF800000 : f32
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %visible = arith.cmpi ule, %j, %i : index
    %y = arith.select %visible, %in, %ninf : f32
    linalg.yield %y : f32
  } -> tensor<8x8xf32> loc(fused<"causal_mask_fwd">[#scores])
  return %masked : tensor<8x8xf32>
}
