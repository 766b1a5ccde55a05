//===- Driver.h - The runtime's main, with injectable streams ---*- C++ -*-===//
//
// `myelin_rt_main` (driver.h) forwards to `runMain` with std::cout/std::cerr;
// tests call `runMain` directly with string streams to check output and exit
// codes without spawning processes.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_DRIVER_H
#define MYELIN_RUNTIME_DRIVER_H

#include "myelin/runtime.h"

#include <ostream>

namespace myelin::rt {

/// Exit statuses of a training executable.
/// ExitFault: training stopped on a non-finite loss or gradient.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitFault = 3 };

/// Runs a training executable: summary lines and --help go to `out`,
/// progress and "<prog>: error: ..." messages to `err`. `errIsTty` selects
/// the live progress line for --progress auto. Returns an ExitCode.
int runMain(int argc, char **argv, const myelin_rt_model_desc *model,
            std::ostream &out, std::ostream &err, bool errIsTty);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_DRIVER_H
