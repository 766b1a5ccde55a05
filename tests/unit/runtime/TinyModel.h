//===- TinyModel.h - A hand-written model following the runtime ABI -*- C++ -*-===//
//
// Softmax regression written directly in C++ against runtime.h, standing in
// for myelinc's generated code so the runtime's training loop, evaluation,
// checkpoints and gradient check can be tested without the compiler.
// Buffers: x f32[32,4,4] (INPUT), y i32[32] (LABEL), fc.weight f32[16,4] and
// fc.bias f32[4] (PARAM) with GRAD and SGD-momentum OPT_STATE buffers, hyper
// f32[8], loss f32[], logits f32[32,4], sample_loss f32[32].
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

} // namespace myelin::rt::test

#endif // MYELIN_TESTS_UNIT_RUNTIME_TINYMODEL_H
