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

def ApproximateMathPass : Pass<"myelin-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "Replace transcendental math ops by polynomial approximations";
  let description = [{
    `math.exp`, `math.log`, `math.tanh`, ... become arithmetic the loop
    vectorizer can turn into SIMD code, instead of scalar libm calls. f32
    `math.erf` and `math.tanh` become rational approximations whose
    quotient is a refined reciprocal estimate rather than a divide.
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
    of A times a row segment of B (fused multiply-add). Per k-block, blocks
    of C (up to 512 rows by 16 32-column panels, split until there are
    `min-blocks`; myelinc asks for one per core, since bigger blocks pack
    less per multiply-add) pack their panels of B (k-block x 32 floats each, in L2) and,
    when A is transposed or its rows are 4 KiB or more apart, their rows of
    A (k-block x rows per tile, in L1); each row of tiles then sweeps all
    panels. Transposed operands are packed through in-register 16 x 16
    transposes. The blocks (with the batch) form one `scf.parallel`,
    threaded by myelin-parallelize-loops. Column remainders use masked
    vector loads/stores of C, row remainders a shorter tile. A tile's k loop
    runs `k-unroll` steps per iteration (then the remainder one at a time),
    so the loop's increment and branch do not take issue slots of the
    FMA ports at every step.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"rows", "rows", "int64_t", "8",
           "Rows of the output per register tile (accumulators = 2 x rows)">,
    Option<"kBlock", "k-block", "int64_t", "256",
           "Largest reduction slice per pass over a B panel">,
    Option<"kUnroll", "k-unroll", "int64_t", "4",
           "k steps per iteration of a register tile's loop">,
    Option<"minBlocks", "min-blocks", "int64_t", "4",
           "Blocks of C wanted per product: they are cut (the longer side "
           "first) until there are this many or they would get too small">,
    Option<"prefetch", "prefetch", "bool", "true",
           "Software-prefetch into L2, spread over the register tiles, what "
           "the next packing or row of tiles reads (the next k block's "
           "panels of B, the next rows of a row-major A; in the last k "
           "block, those of the thread's next block)">
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

def FuseUpdatesPass : Pass<"myelin-fuse-updates", "::mlir::ModuleOp"> {
  let summary = "One optimizer kernel over all parameters (and one for the gradient norm)";
  let description = [{
    After bufferization, merges the per-parameter optimizer updates of a
    train step (linalg.generic ops marked `myelin.update`: elementwise, on
    buffers of one shape) into one parallel loop over chunks of at most
    `chunk-elements` elements. A constant table (`memref.global`) gives each
    chunk's update (as a class of updates that do the same work, and an
    index in the class) and offset; an `scf.index_switch` on the class runs
    its body on the chunk's slice of the update's flattened buffers, which a
    second switch on the index picks. Full chunks and each parameter's
    shorter last chunk have static sizes.

    One kernel thus updates every parameter (`<model>_<role>`, e.g.
    `gpt_adamw_update`), with one fork/join instead of one per parameter,
    and the threads share the work evenly whatever the parameters' sizes;
    small parameters (biases, norm gains), too small to thread alone, run
    in parallel with the rest. The sums of squares of the gradients (marked
    `myelin.grad_squares`, for the global norm that clipping needs) are
    fused the same way into `<model>_grad_norm`: each chunk sums into its
    slot of a partial-sums buffer, and each parameter's sum is then the sum
    of its chunks' slots, in the same kernel. Ops are grouped only across
    ops without memory effects (allocations, deallocations, which move after
    the loop, and zero fills of 0-d buffers the group has not used), and
    only if none writes what another one of its group uses.
  }];
  let options = [
    Option<"chunkElements", "chunk-elements", "int64_t", "16384",
           "Elements per chunk (the unit of work of a thread)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def OutlineKernelsPass : Pass<"myelin-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Move each layer's kernels into a function named after it";
  let description = [{
    After bufferization, every run of consecutive kernel ops (linalg ops and
    memref.copy) of an entry function that comes from the same spec layer
    and role (ir/Provenance.h) moves into a private function named
    `<layer>_<op>_<role>`, e.g. `blocks_2_attn_linear_bwd` or
    `blocks_0_fc_bias_adamw_update`, and is replaced by a call. Allocations,
    view ops and constants between the kernel ops stay in the entry function;
    deallocations between them move after the call.

    A kernel takes the distinct buffers it touches (views of a buffer are
    rebuilt inside), so its memref arguments are marked `llvm.noalias`; it
    is `noinline`, so profiles, `--emit=asm` and debuggers show the model's
    names. Kernels of the same name and body (a layer's forward pass in the
    train, grad and eval entry points) are emitted once. So are, with
    `merge-repeats` (the default), kernels of one body whose names differ
    only in repeat indices: the blocks of `repeat(4, block, x)` share
    `blocks_0to3_fc_linear_bwd`, and where the last block differs (its input
    gradient), `blocks_0to2_...` and `blocks_3_...` remain. Other name
    clashes get a numeric suffix. LLVM then optimizes and compiles many
    small functions once each, instead of one huge one per entry point.
  }];
  let options = [
    Option<"mergeRepeats", "merge-repeats", "bool", /*default=*/"true",
           "Share one kernel between repeated layers with the same body, "
           "named after their index range (false: one kernel per layer)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def CollapseDimsPass : Pass<"myelin-collapse-dims", "::mlir::func::FuncOp"> {
  let summary = "Merge loop dimensions that all operands store contiguously";
  let description = [{
    On bufferized linalg.generic ops over contiguous static buffers, every
    run of consecutive loops of one iterator kind that each indexing map
    keeps contiguous and in order (or does not use) becomes one loop, and
    the operands are collapsed to match. A linear whose output is split into
    attention heads, `C[b,t,h,d] += A[b,t,k] * B[k,h,d]`, becomes the plain
    matrix product `C[b*t, h*d] += A[b*t, k] * B[k, h*d]`, which
    myelin-lower-contractions runs as one large product instead of b*h
    small ones; elementwise kernels get one long loop to vectorize and split
    across threads.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def PromoteAccumulatorsPass : Pass<"myelin-promote-accumulators", "::mlir::func::FuncOp"> {
  let summary = "Keep loop-invariant accumulators in registers (iter_args)";
  let description = [{
    In an scf.for whose body loads an element of a buffer at loop-invariant
    indices and later stores back to the same element, the load moves
    before the loop, the value is carried as an iter_arg and the store moves
    after the loop -- when nothing else in the loop may access that buffer:
    every buffer the loop touches is a view of an allocation, a global or
    an `llvm.noalias` function argument (as in the outlined kernels), and
    the loop has no other memory effects. Lowered row reductions (softmax's
    max and sum, norms' statistics) then reach LLVM as register reductions
    it can vectorize, even inside OpenMP regions, where LLVM no longer
    knows that the buffers do not alias. Inner loops go first, so an
    accumulator can move out of a whole nest.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def FuseRowLoopsPass : Pass<"myelin-fuse-row-loops", "::mlir::func::FuncOp"> {
  let summary = "Fuse a row op's parallel loops into one pass over its rows";
  let description = [{
    After myelin-parallelize-loops, a row op (softmax, layer norm, their
    gradients) is several one-dimensional `scf.parallel` loops over the same
    rows -- statistics, then the output -- each reading all of its input
    from memory. Adjacent loops with the same bounds become one when
    iteration i of the second needs only iteration i of the first: every
    buffer that one writes and the other touches is a distinct buffer
    (allocation, global, `llvm.noalias` argument) accessed in both through
    the same view with the loop index as first index, and every other
    buffer either is only read or is provably disjoint. The fused body runs
    both bodies for a row while it is in L1. A sequential `scf.for` over
    the same rows whose iterations only touch their own row of what they
    write (a fill, a small elementwise step left sequential) joins likewise.
    Ops between the loops that neither touch what the first loop writes nor
    write what it touches (views, constants) move above it. In the fused
    body, loads of what the body stored at the same indices (a row's
    statistic) use the stored value. Loops with reductions (`scf.reduce`)
    and ops with unknown memory effects stop the fusion.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def SplitReductionsPass : Pass<"myelin-split-reductions", "::mlir::func::FuncOp"> {
  let summary = "Split outer reductions into parallel partial sums";
  let description = [{
    A bufferized linalg.generic whose outermost loop is a reduction (a bias
    gradient `db[n] += dY[r, n]`, a gradient's squared norm) has no outer
    parallel loop for myelin-parallelize-loops, so it runs on one thread.
    When its single init is accumulated with a reassociable `arith.addf`
    (fastmath `reassoc`) and the outer loop's size S has a divisor C in
    [2, 16], the loop is split: `partial[c, ...]` sums chunk c's S/C rows
    (the inputs are expanded to [C, S/C, ...]; parallel over c), then a
    small generic adds the C partial sums into the init. Ops below
    `min-work` iterations are left alone.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "65536",
           "Split only reductions of at least this many iterations">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def UnshareInitsPass : Pass<"myelin-unshare-inits", "::mlir::func::FuncOp"> {
  let summary = "Give every writer its own destination tensor";
  let description = [{
    CSE merges identical `tensor.empty` ops and identical `linalg.fill` ops
    of them (the zero accumulators of all attention score products; one
    empty tensor as the destination of a weight gradient and of the
    optimizer update after it). One-shot bufferization then fills one
    buffer and copies it for every writer, or writes an update into the
    gradient's buffer and copies it to the parameter. Run right before
    bufferization, this pass clones the empty tensor (with its fill) at each
    destination use (all but the first when every use is one), so each
    writer gets its own buffer: no copies of filled buffers, and updates
    that myelin-elide-result-copies computes in the parameter's buffer.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GroupEpiloguesPass : Pass<"myelin-group-epilogues", "::mlir::func::FuncOp"> {
  let summary = "Put elementwise consumers of matrix products into their kernels";
  let description = [{
    On tensors, before bufferization: the first elementwise linalg.generic
    (all loops parallel, identity indexing maps, every operand of the
    product's result type, only reading its inputs) that reads the result C
    of a contraction moves right after it, when all it uses is available
    there (empty tensors move along). The contraction, C's initialization
    (a fill or bias broadcast with the contraction's location) and the
    generic get one kernel tag combining their roles (`linear_fwd` and
    `gelu_fwd` give `linear_gelu_fwd`, named after the contraction's layer),
    so myelin-outline-kernels makes them one function and
    myelin-lower-contractions applies the generic to the accumulators of
    the product's last k block. When the generic is C's only reader, it
    writes its result into C (one buffer, one store).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
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
