//===- driver.h - Myelin runtime entry point --------------------*- C -*-===//
//
// The single function a training executable's `main` calls. `myelinc` emits
//
//   int main(int argc, char **argv) {
//     return myelin_rt_main(argc, argv, &myelin_model);
//   }
//
// into model_desc.c and links it against libmyelin_runtime.a (plus -lz -lm
// -lpthread). The runtime parses the command line, allocates and initializes
// the buffers described by `model`, loads the data and runs training,
// evaluation or a gradient check.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_DRIVER_H
#define MYELIN_DRIVER_H

#include "myelin/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Runs the training executable. Returns the process exit status: 0 on
/// success, 1 on a runtime error (data, checkpoint, non-finite loss, failed
/// gradient check), 2 on a command-line error. Never calls exit().
int myelin_rt_main(int argc, char **argv, const myelin_rt_model_desc *model);

#ifdef __cplusplus
}
#endif

#endif // MYELIN_DRIVER_H
