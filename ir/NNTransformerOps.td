//===- NNTransformerOps.td - nn ops for transformers -------*- tablegen -*-===//
//
// Normalization, activations, softmax, attention masking and dropout, with
// their gradient ops. Included by NNOps.td.
//===----------------------------------------------------------------------===//

#ifndef NN_TRANSFORMER_OPS
#define NN_TRANSFORMER_OPS

#endif // NN_TRANSFORMER_OPS
