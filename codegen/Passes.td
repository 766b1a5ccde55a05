//===- Passes.td - Myelin codegen passes -------------------*- tablegen -*-===//
//
// Passes from the nn training IR towards native code: the buffer ABI of the
// entry points, and nn -> linalg on tensors.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_PASSES
#define MYELIN_CODEGEN_PASSES

include "mlir/Pass/PassBase.td"

def LowerToBufferAbiPass : Pass<"myelin-lower-to-buffer-abi", "::mlir::ModuleOp"> {
  let summary = "Give every entry function the runtime's buffer signature";
  let description = [{
    Collects the buffers of all entry functions (`nn.entry` = eval, grad,
    train) into one table, stored as the module attribute `myelin.buffers`
    (the order of runtime/include/myelin/runtime.h's buffer descriptors), and
    rewrites each entry function to take one `memref` per buffer and return
    nothing: declarations (`nn.input`, `nn.param`, ...) become
    `bufferization.to_tensor` of their argument, and each tagged result is
    written into its buffer with `bufferization.materialize_in_destination`
    (in place for parameter and optimizer-state updates). Entry functions are
    renamed `<model>_<entry>`.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect"];
}

def LowerToLinalgPass : Pass<"myelin-lower-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower nn compute ops to linalg on tensors";
  let description = [{
    Converts every nn compute, gradient and optimizer op into linalg named
    ops and `linalg.generic`s on tensors (with arith/math bodies), grouped by
    op family in codegen/NNToLinalg/. Matmuls iterate so that the innermost
    loop runs along contiguous memory, which the loop vectorizer turns into
    SIMD code.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           // nn.embedding_grad's scatter loop.
                           "::mlir::scf::SCFDialect"];
}

def ApproximateMathPass : Pass<"myelin-approximate-math", "::mlir::ModuleOp"> {
  let summary = "Replace transcendental math ops by polynomial approximations";
  let description = [{
    `math.exp`, `math.log`, `math.tanh`, ... become arithmetic the loop
    vectorizer can turn into SIMD code, instead of scalar libm calls.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def ParallelizeLoopsPass : Pass<"myelin-parallelize-loops", "::mlir::func::FuncOp"> {
  let summary = "Keep one level of big parallel loops, sequentialize the rest";
  let description = [{
    After `convert-linalg-to-parallel-loops`, every parallel dimension is an
    `scf.parallel`. This pass keeps only the outermost dimension of loop
    nests that are not nested in another loop and do enough work to pay for
    a fork/join (`min-work` iterations in the nest), and turns every other
    parallel dimension into `scf.for`, so that `convert-scf-to-openmp`
    produces one worksharing loop per kernel and LLVM still vectorizes the
    contiguous innermost loop.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
  let options = [
    Option<"minWork", "min-work", "int64_t", "65536",
           "Smallest number of iterations of a loop nest worth threading">
  ];
}

def LowerContractionsPass : Pass<"myelin-lower-contractions", "::mlir::func::FuncOp"> {
  let summary = "Register-blocked AVX-512 code for matrix products on buffers";
  let description = [{
    Rewrites every bufferized `linalg` contraction with static f32 shapes
    (matmul, batched matmul, linear; either operand possibly transposed) into
    a cache- and register-blocked loop nest over vectors: the output is cut
    into `rows` x (2 x 16) tiles whose accumulators stay in registers across
    a `k-block` slice of the reduction, each step a broadcast of one element
    of A times a row segment of B (fused multiply-add). B panels
    (k-block x 32) stay in L1 across all row tiles. Batch and column-panel
    dimensions form one `scf.parallel` (threaded by
    myelin-parallelize-loops); tall unbatched products are threaded over
    blocks of rows instead (K columns of a block fill about 512 KiB, at
    least 128 rows), each thread sweeping every B panel over its block of
    A while the block stays in L2. A right operand stored transposed is first
    copied into row-major order. Column remainders use masked vector
    loads/stores, row remainders a shorter tile.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"rows", "rows", "int64_t", "8",
           "Rows of the output per register tile (accumulators = 2 x rows)">,
    Option<"kBlock", "k-block", "int64_t", "256",
           "Largest reduction slice per pass over a B panel">
  ];
}

def FuseElementwisePass : Pass<"myelin-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg producers into consumers, without recomputation";
  let description = [{
    linalg's elementwise fusion (plus reshape folding and constant folding)
    with one extra rule: a producer is fused only when the consumer reads
    each of its elements once, i.e. the consumer's indexing map of the
    fused operand is a permutation. Fusing `tanh(h)` into the A operand of
    a matrix product, or a bias into a broadcast, would recompute it N
    times and would hide the product from myelin-lower-contractions.
    Activation chains, their derivatives and reductions over elementwise
    expressions are still fused.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}

def ElideResultCopiesPass : Pass<"myelin-elide-result-copies", "::mlir::func::FuncOp"> {
  let summary = "Compute results in their runtime buffers instead of copying them there";
  let description = [{
    After bufferization, a result that the entry function stores into one of
    its buffer arguments is often computed into a temporary and then copied
    (`memref.copy %tmp, %arg`): new parameters and optimizer moments,
    gradients, logits. When nothing touches the argument between the first
    write of the temporary and the copy (except that first writer itself,
    when it is elementwise and reads the argument at the very index it
    writes), the temporary is replaced by the argument and the copy
    disappears.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def PlanMemoryPass : Pass<"myelin-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place the intermediates of entry functions in static slots";
  let description = [{
    After bufferization and deallocation, every intermediate of an entry
    function is a `memref.alloc` freed by a `memref.dealloc`: hundreds of
    mallocs per training step. This pass computes the live interval of each
    static-shaped alloc in the function's top-level block (first to last
    use, in top-level op order; uses in regions count at their top-level
    op; views, calls and region results that return the buffer are
    aliases) and puts buffers whose intervals do not overlap into the same
    slot (biggest first, each into the smallest free slot it fits). A slot
    is a private uninitialized `memref.global` (zero-filled .bss, so
    allocated once, before the first step), 64-byte aligned, shared by all
    entry functions; each alloc becomes a `memref.view` of its slot and its
    deallocs go. Buffers live at the same time are distinct globals, which
    LLVM knows do not alias. Buffers that escape (returned, stored, passed
    to a function without a body) and dynamic or nested allocs are left
    alone.

    ```mlir
    %a = memref.alloc() : memref<16xf32>   // live over ops 1..2
    %b = memref.alloc() : memref<16xf32>   // live over ops 3..4
    // becomes
    %s = memref.get_global @__myelin_slot0 : memref<64xi8>
    %a = memref.view %s[%c0][] : memref<64xi8> to memref<16xf32>
    %b = memref.view %s[%c0][] : memref<64xi8> to memref<16xf32>
    ```

    The module attribute `myelin.memory_plan` records per function the
    bytes of the slots it uses, the sum of the planned buffers' sizes, their
    count and the number of static allocs left alone
    (`myelinc --emit=memory-plan` prints it).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"verify", "verify", "bool", "false",
           "Then derive each slot view's live interval from the IR again "
           "and fail if two views of a slot live at the same time share a "
           "byte "
           "(a remark per function reports the views checked)">
  ];
}

#endif // MYELIN_CODEGEN_PASSES
