//===- ObjectEmitter.h - LLVM IR, objects, descriptor, linking --*- C++ -*-===//
//
// The back half of myelinc: translates the LLVM-dialect module to LLVM IR,
// adds the runtime's entry wrappers, optimizes and emits code for the host
// CPU, writes the model descriptor the runtime reads, and links the
// training executable.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_OBJECTEMITTER_H
#define MYELIN_CODEGEN_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>
#include <vector>

namespace myelin {

/// Names of the C entry points the runtime calls (see runtime.h).
constexpr llvm::StringLiteral kTrainEntry = "myelin_entry_train";
constexpr llvm::StringLiteral kGradEntry = "myelin_entry_grad";
constexpr llvm::StringLiteral kEvalEntry = "myelin_entry_eval";

/// A TargetMachine for the host CPU with all its features (AVX-512 where
/// present), at -O3.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine();

/// Translates `module` (LLVM dialect, with the myelin.buffers table) to LLVM
/// IR for `tm` and adds `void myelin_entry_<kind>(void **buffers)` wrappers.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                  llvm::TargetMachine &tm);

/// Runs the LLVM -O3 pipeline for `tm` (without loop unrolling).
void optimize(llvm::Module &module, llvm::TargetMachine &tm);

/// translateToLLVMIR, then optimize.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                     llvm::TargetMachine &tm);

/// Optimizes and compiles the unoptimized `module` for the host into object
/// files `<pathPrefix>.<i>.o`, one per partition: with jobs > 1 the module is
/// split into that many partitions (llvm::SplitModule), compiled on as many
/// threads. Returns the paths.
llvm::Expected<std::vector<std::string>>
compileToObjects(llvm::Module &module, unsigned jobs,
                 llvm::StringRef pathPrefix);

/// Writes an object file or assembly of `module` to `path` ("-" = stdout).
llvm::Error emitCode(llvm::Module &module, llvm::TargetMachine &tm,
                     llvm::StringRef path, bool assembly);

/// The C source of the model descriptor (runtime.h's myelin_model) and of
/// `main`, from the module's buffer table and train block.
llvm::Expected<std::string> emitModelDescriptor(mlir::ModuleOp module,
                                                llvm::StringRef sourcePath);

/// Links the kernels' objects and the descriptor's source with the runtime
/// library into `output`, using the C++ compiler driver `clang`.
llvm::Error linkExecutable(llvm::StringRef clang,
                           llvm::ArrayRef<std::string> objectPaths,
                           llvm::StringRef descriptorPath,
                           llvm::StringRef runtimeLib,
                           llvm::StringRef runtimeInclude,
                           llvm::StringRef output);

} // namespace myelin

#endif // MYELIN_CODEGEN_OBJECTEMITTER_H
