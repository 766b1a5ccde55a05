//===- MLIRGenImpl.h - Internal state of nn emission ------------*- C++ -*-===//
//
// Shared by MLIRGen.cpp (statements, scopes, defs, the model function),
// MLIRGenOps.cpp (the built-in ops a spec can call) and MLIRGenTrain.cpp
// (the train block). Not a public header.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_FRONTEND_MLIRGENIMPL_H
#define MYELIN_FRONTEND_MLIRGENIMPL_H

#include "frontend/AST.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/SourceMgr.h"

namespace myelin::frontend {

/// The spec's `train` block with its defaults.
struct TrainConfig {
  int64_t batch = 32;
  int64_t epochs = 1;
  int64_t steps = 0;           ///< 0: run `epochs`
  nn::OptimizerKind optimizer = nn::OptimizerKind::sgd;
  double lr = 0.01, beta1 = 0.0, beta2 = 0.999, eps = 1e-8, weightDecay = 0;
  int64_t seed = 0;
  std::string dataKind = "synthetic", dataDir, dataFile;
  double dataScale = 1.0;
  int64_t context = 0;         ///< tokens: T
  double valFraction = 0.1;    ///< tokens: held-out tail
  int32_t schedule = 0;        ///< myelin_rt_schedule
  int64_t warmupSteps = 0;
  double minLr = 0;
  double clipGradNorm = 0;
  int64_t evalEvery = 0;
  int64_t physics = 0;         ///< sample telemetry every N steps; 0: off
};

/// Names visible to expressions, and how ops emitted in this scope are named
/// and located. A model has one scope; each instantiation of a `def` opens
/// another.
struct Scope {
  llvm::StringMap<mlir::Value> values;
  /// Prefix of parameter and kernel names, e.g. "blocks.2.".
  std::string prefix;
  /// Where this scope was instantiated (a def call), if anywhere.
  std::optional<mlir::Location> callSite;
};

class MLIRGenImpl {
public:
  MLIRGenImpl(mlir::MLIRContext &ctx, const llvm::SourceMgr &sourceMgr)
      : builder(&ctx), sourceMgr(sourceMgr) {}

  mlir::OwningOpRef<mlir::ModuleOp> gen(const ModuleAST &ast);

  // --- Locations and errors -------------------------------------------------
  /// The file location of `smloc`.
  mlir::Location fileLoc(llvm::SMLoc smloc);
  /// The location of an op emitted for the current statement: its spec
  /// position, inside the chain of def calls that led here, named after the
  /// (qualified) statement.
  mlir::Location opLoc(llvm::SMLoc smloc);
  /// An error at `smloc`, through the diagnostic engine; inside a def call
  /// the call site is reported too.
  mlir::InFlightDiagnostic error(llvm::SMLoc smloc);

  // --- Expressions ----------------------------------------------------------
  mlir::FailureOr<mlir::Value> genExpr(const Expr &expr);
  mlir::FailureOr<mlir::Value> genCall(const Expr &call);
  /// A built-in op call (MLIRGenOps.cpp); `handled` is false for unknown
  /// names.
  mlir::FailureOr<mlir::Value> genBuiltin(const Expr &call, bool &handled);
  /// A call of an op of a plugin dialect (docs/plugins.md): `name(a, b)`
  /// builds `<dialect>.name` if exactly one loaded dialect other than nn has
  /// such an op with one result, a fixed operand count,
  /// DifferentiableOpInterface and InferTypeOpInterface. `handled` is false
  /// when no dialect has one.
  mlir::FailureOr<mlir::Value> genPluginOp(const Expr &call, bool &handled);
  /// The names genBuiltin knows, for suggestions.
  static llvm::ArrayRef<llvm::StringRef> builtinNames();

  // --- Constant arguments ---------------------------------------------------
  mlir::FailureOr<int64_t> getInt(const Expr &expr, llvm::StringRef what,
                                  int64_t min);
  mlir::FailureOr<double> getNumber(const Expr &expr, llvm::StringRef what);
  mlir::FailureOr<std::string> getString(const Expr &expr, llvm::StringRef what);
  mlir::FailureOr<bool> getBool(const Expr &expr, llvm::StringRef what);
  mlir::LogicalResult checkArity(const Expr &call, unsigned count);
  /// Rejects keyword arguments not in `allowed`.
  mlir::LogicalResult checkKeywords(const Expr &call,
                                    llvm::ArrayRef<llvm::StringRef> allowed);
  const Expr *keyword(const Expr &call, llvm::StringRef name);

  // --- Parameters -----------------------------------------------------------
  /// A parameter named `<prefix><statement>[_k].<suffix>`.
  mlir::FailureOr<mlir::Value> genParam(llvm::SMLoc where, llvm::StringRef suffix,
                                        mlir::RankedTensorType type,
                                        const Expr *initExpr,
                                        nn::InitKind defaultInit);
  /// A parameter with an explicit full name.
  mlir::FailureOr<mlir::Value> genNamedParam(llvm::SMLoc where,
                                             llvm::StringRef name,
                                             mlir::RankedTensorType type,
                                             const Expr *initExpr,
                                             nn::InitKind defaultInit);
  /// Call after emitting a call that declared parameters, so the next one
  /// in the same statement gets a distinct name.
  void nextParamGroup() { ++stmtParamCount; }
  /// The qualified name of the current parameter group: `<prefix><stmt>` or
  /// `<prefix><stmt>_<k>`.
  std::string paramGroupName() const;

  /// The step's hyper-parameter vector (for dropout), declared once.
  mlir::Value hyper(mlir::Location loc);

  // --- Shape-checked op construction ----------------------------------------
  /// Builds an InferTypeOpAdaptor op after checking that its result type can
  /// be inferred, so that a shape error is a diagnostic at the spec line.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> create(llvm::SMLoc where,
                                      mlir::ValueRange operands,
                                      Args &&...args) {
    mlir::Location l = opLoc(where);
    llvm::SmallVector<mlir::Type> types;
    typename OpTy::Adaptor adaptor(operands);
    if (mlir::failed(OpTy::inferReturnTypes(builder.getContext(), l, adaptor,
                                            types)))
      return mlir::failure();
    return builder.create<OpTy>(l, std::forward<Args>(args)...)->getResult(0);
  }

  mlir::OpBuilder builder;
  const llvm::SourceMgr &sourceMgr;
  TrainConfig train;

private:
  mlir::LogicalResult genTrain(const TrainAST &ast);
  mlir::LogicalResult genStmt(const StmtAST &stmt);
  mlir::FailureOr<mlir::Value> genDefCall(const DefAST &def,
                                          llvm::ArrayRef<mlir::Value> args,
                                          const Expr &call,
                                          std::string prefix);
  mlir::FailureOr<mlir::Value> genRepeat(const Expr &call);
  mlir::FailureOr<mlir::RankedTensorType> genType(const TypeAST &type,
                                                  mlir::Type elementType);
  mlir::LogicalResult finishModel(const ModelAST &model, mlir::func::FuncOp func);

  Scope scope;
  llvm::StringMap<const DefAST *> defs;
  /// Defs being instantiated, to reject recursion.
  llvm::StringSet<> activeDefs;
  llvm::StringSet<> paramNames;
  mlir::Value hyperValue;
  std::string stmtName;
  unsigned stmtParamCount = 0;
};

} // namespace myelin::frontend

#endif // MYELIN_FRONTEND_MLIRGENIMPL_H
