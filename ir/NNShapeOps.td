//===- NNShapeOps.td - nn shape and embedding ops ----------*- tablegen -*-===//
//
// Ops that move data without arithmetic: reshape and transpose (between the
// [B, T, C] activations and the [B, H, T, D] attention heads of a
// transformer), and the embedding lookup of token ids with the scatter-add
// that is its gradient. Included by NNOps.td.
//===----------------------------------------------------------------------===//

#ifndef NN_SHAPE_OPS
#define NN_SHAPE_OPS

//===----------------------------------------------------------------------===//
// nn.reshape
//===----------------------------------------------------------------------===//

def NN_ReshapeOp : NN_Op<"reshape", [Pure,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Reinterprets a tensor with another shape";
  let description = [{
    The elements in row-major order are unchanged; the result type names the
    new shape, which must hold as many elements. Works on f32 and on i32
    (token ids). The gradient reshapes back. After bufferization it is a view:
    the lowering collapses and expands dimensions.

    ```mlir
    %heads = nn.reshape %q : tensor<4x64x128xf32> -> tensor<4x64x4x32xf32>
    ```
  }];
  let arguments = (ins NN_AnyTensor:$input);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  // reshape(x) of x's own type is x; reshape(reshape(x)) reads x directly.
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// nn.transpose
//===----------------------------------------------------------------------===//

def NN_TransposeOp : NN_Op<"transpose", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Permutes the dimensions of a tensor";
  let description = [{
    Dimension `i` of the result is dimension `permutation[i]` of the input:
    `result[i_0, ..., i_n] = input[j]` with `j[permutation[k]] = i_k`. The
    gradient transposes by the inverse permutation.

    ```mlir
    %t = nn.transpose %x permutation [0, 2, 1, 3] : tensor<4x64x4x32xf32> -> tensor<4x4x64x32xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `permutation` $permutation attr-dict `:` type($input) `->` type($result)
  }];
  // The identity permutation folds away; two transposes compose into one.
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// nn.embedding / nn.embedding_grad
//===----------------------------------------------------------------------===//

def NN_EmbeddingOp : NN_Op<"embedding", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "Gathers rows of a table by integer ids";
  let description = [{
    `table` is [V, D] and `ids` has any shape [...]; the result is
    [..., D] with `result[p, :] = table[ids[p], :]`. An id outside [0, V) is
    clamped to the nearest row (0 or V - 1) rather than read out of bounds;
    the gradient adds into the same clamped row. `ids` are not
    differentiable.

    ```mlir
    %tok = nn.embedding %wte, %ids : (tensor<256x128xf32>, tensor<4x64xi32>) -> tensor<4x64x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$table, NN_LabelTensor:$ids);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat =
      "$table `,` $ids attr-dict `:` functional-type(operands, results)";
}

def NN_EmbeddingGradOp : NN_Op<"embedding_grad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gradient of nn.embedding w.r.t. its table: a scatter-add";
  let description = [{
    `grad` is [..., D], `ids` is [...]; the result is the [vocab, D] table
    gradient `result[v, :] = sum over p with clamp(ids[p]) == v of grad[p, :]`
    (ids clamped to [0, vocab) as nn.embedding does). Rows no id selects are
    zero.

    ```mlir
    %dwte = nn.embedding_grad %dtok, %ids vocab 256 : (tensor<4x64x128xf32>, tensor<4x64xi32>) -> tensor<256x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_LabelTensor:$ids,
                   ConfinedAttr<I64Attr, [IntPositive]>:$vocab);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $ids `vocab` $vocab attr-dict `:` functional-type(operands, results)
  }];
}

#endif // NN_SHAPE_OPS
