// RUN: myelin-opt %s --myelin-lower-kernels=threads=false | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=sapphirerapids | FileCheck %s
// A product's register tile as machine code: its 16 accumulators, two
// panel vectors and the broadcasts of A stay in zmm registers through the
// 4-step k loop (64 FMAs), with the loop's prefetches of the next row of
// tiles and the next k block. With the prefetches placed among the
// multiply-adds, LLVM's scheduler had moved the broadcasts above them and
// spilled them to the stack: 16 reloads per iteration, and this product
// ran at 100 instead of 160 GFLOP/s.
// (The kernel is outlined as `matmul`.)
// CHECK-LABEL: matmul:
// CHECK-NOT:   (%rsp), %zmm
// CHECK:       prefetcht1
// CHECK-NOT:   (%rsp), %zmm
// CHECK:       prefetcht1
// CHECK-COUNT-64: vfmadd231ps
// CHECK-NOT:   (%rsp), %zmm
// CHECK:       .Lfunc_end0:
func.func @product(%a: memref<1024x768xf32> {llvm.noalias}, %b: memref<768x768xf32> {llvm.noalias}, %c: memref<1024x768xf32> {llvm.noalias}) {
  linalg.matmul ins(%a, %b : memref<1024x768xf32>, memref<768x768xf32>) outs(%c : memref<1024x768xf32>)
  return
}
