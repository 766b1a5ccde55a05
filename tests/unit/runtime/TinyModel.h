//===- TinyModel.h - Hand-written models following the ABI ------*- C++ -*-===//
//
// Softmax regression, a small ReLU MLP and a byte-level bigram language model
// (TinyLm.cpp) written directly in C++ against runtime.h, standing in for
// myelinc's generated code so the runtime's training loops, evaluation,
// checkpoints, sampling and gradient check can be tested without the
// compiler. Softmax regression buffers: x f32[32,4,4] (INPUT), y i32[32]
// (LABEL), fc.weight f32[16,4] and fc.bias f32[4] (PARAM) with GRAD and
// SGD-momentum OPT_STATE buffers, hyper f32[16], loss f32[], logits
// f32[32,4], sample_loss f32[32].
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TESTS_UNIT_RUNTIME_TINYMODEL_H
#define MYELIN_TESTS_UNIT_RUNTIME_TINYMODEL_H

#include "myelin/runtime.h"

namespace myelin::rt::test {

constexpr int kTinyBatch = 32;
constexpr int kTinyFeatures = 16; // 4 x 4 "images"
constexpr int kTinyClasses = 4;

/// Buffer indices of the tiny model.
enum TinyBuffer {
  TinyX,
  TinyY,
  TinyWeight,
  TinyBias,
  TinyWeightGrad,
  TinyBiasGrad,
  TinyWeightMomentum,
  TinyBiasMomentum,
  TinyHyper,
  TinyLoss,
  TinyLogits,
  TinySampleLoss,
  TinyNumBuffers
};

/// A fresh copy of the descriptor (synthetic data, seed 42, 2 epochs, SGD
/// with momentum 0.9, lr 0.1); tests may swap kernels or fields.
myelin_rt_model_desc makeTinyModel();

/// grad_step with a deliberately wrong bias gradient (scaled by 2).
void tinyWrongGradStep(void **buffers);

/// train_step that reports a NaN loss from its third call on; reset with
/// tinyResetCallCount().
void tinyNanTrainStep(void **buffers);
void tinyResetCallCount();

/// A descriptor whose eval_step reports per-sample losses 0.5 too high.
void tinyBiasedEvalStep(void **buffers);

/// A ReLU MLP 16-32-4 on the same data (x f32[32,16]; h.weight, h.bias,
/// out.weight, out.bias with GRAD buffers; plain SGD, no OPT_STATE), for
/// gradient checks across ReLU kinks.
myelin_rt_model_desc makeTinyMlp();

/// The MLP's grad_step without the ReLU mask in the backward pass.
void tinyMlpUnmaskedGradStep(void **buffers);

// --- TinyLm: a byte-level bigram language model (TinyLm.cpp) -------------

constexpr int kLmBatch = 4;
constexpr int kLmContext = 8;
constexpr int kLmVocab = 256;

/// Buffer indices of the bigram model.
enum TinyLmBuffer {
  LmTokens,     ///< INPUT i32 [4, 8]
  LmTargets,    ///< LABEL i32 [4, 8]
  LmWeight,     ///< PARAM "bigram.weight" f32 [256, 256], N(0, 0.02)
  LmWeightGrad, ///< GRAD
  LmAdamM,      ///< OPT_STATE "bigram.weight.adam_m"
  LmAdamV,      ///< OPT_STATE "bigram.weight.adam_v"
  LmHyper,      ///< HYPER f32 [16]
  LmLoss,       ///< LOSS f32 []
  LmSampleLoss, ///< SAMPLE_LOSS f32 [4, 8]
  LmLogits,     ///< LOGITS f32 [4, 8, 256]
  LmGradNorm,   ///< GRAD_NORM f32 []
  LmNumBuffers
};

/// logits[b, t, :] = W[x[b, t], :], per-token cross-entropy, AdamW with
/// global-norm clipping (hyper[8]) exactly as the compiler's kernels do;
/// data_kind "tokens", context 8, 40 steps, lr 0.05, seed 7, no data_file.
myelin_rt_model_desc makeTinyLm();

} // namespace myelin::rt::test

#endif // MYELIN_TESTS_UNIT_RUNTIME_TINYMODEL_H
