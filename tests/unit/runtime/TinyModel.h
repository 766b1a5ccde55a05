//===- TinyModel.h - Hand-written models following the ABI ------*- C++ -*-===//
//
// Softmax regression (and a small ReLU MLP) written directly in C++ against
// runtime.h, standing in for myelinc's generated code so the runtime's
// training loop, evaluation, checkpoints and gradient check can be tested
// without the compiler. Softmax regression buffers: x f32[32,4,4] (INPUT), y
// i32[32] (LABEL), fc.weight f32[16,4] and fc.bias f32[4] (PARAM) with GRAD and
// SGD-momentum OPT_STATE buffers, hyper f32[8], loss f32[], logits f32[32,4],
// sample_loss f32[32].
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

} // namespace myelin::rt::test

#endif // MYELIN_TESTS_UNIT_RUNTIME_TINYMODEL_H
