//===- Twins.cpp - Two dialects with a spec-callable op of one name -*- C++
//-*-===//
//
// Dialects `twin_a` and `twin_b` both define `relu6` (with a gradient rule
// and type inference), so a spec call `relu6(x)` is ambiguous. The ops are
// written in C++ rather than ODS; they are only ever named, never run.
//===----------------------------------------------------------------------===//
#include "ir/NNInterfaces.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"

using namespace mlir;

namespace {
template <typename Derived>
class TwinOp
    : public Op<Derived, OpTrait::ZeroRegions, OpTrait::OneResult,
                OpTrait::OneTypedResult<Type>::Impl, OpTrait::ZeroSuccessors,
                OpTrait::OneOperand, InferTypeOpInterface::Trait,
                myelin::nn::DifferentiableOpInterface::Trait> {
public:
  using Op<Derived, OpTrait::ZeroRegions, OpTrait::OneResult,
           OpTrait::OneTypedResult<Type>::Impl, OpTrait::ZeroSuccessors,
           OpTrait::OneOperand, InferTypeOpInterface::Trait,
           myelin::nn::DifferentiableOpInterface::Trait>::Op;
  static ArrayRef<StringRef> getAttributeNames() { return {}; }
  static LogicalResult inferReturnTypes(MLIRContext *, std::optional<Location>,
                                        ValueRange operands, DictionaryAttr,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &types) {
    types.push_back(operands[0].getType());
    return success();
  }
  LogicalResult buildGradient(OpBuilder &, ValueRange,
                              SmallVectorImpl<Value> &) {
    return failure();
  }
};

struct Relu6A : TwinOp<Relu6A> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(Relu6A)
  using TwinOp::TwinOp;
  static StringRef getOperationName() { return "twin_a.relu6"; }
};
struct Relu6B : TwinOp<Relu6B> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(Relu6B)
  using TwinOp::TwinOp;
  static StringRef getOperationName() { return "twin_b.relu6"; }
};

template <typename OpTy> struct TwinDialect : Dialect {
  TwinDialect(StringRef name, MLIRContext *ctx, TypeID id)
      : Dialect(name, ctx, id) {
    addOperations<OpTy>();
  }
};
struct TwinADialect : TwinDialect<Relu6A> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TwinADialect)
  static StringRef getDialectNamespace() { return "twin_a"; }
  explicit TwinADialect(MLIRContext *ctx)
      : TwinDialect(getDialectNamespace(), ctx, TypeID::get<TwinADialect>()) {}
};
struct TwinBDialect : TwinDialect<Relu6B> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TwinBDialect)
  static StringRef getDialectNamespace() { return "twin_b"; }
  explicit TwinBDialect(MLIRContext *ctx)
      : TwinDialect(getDialectNamespace(), ctx, TypeID::get<TwinBDialect>()) {}
};
} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Twins", "0", [](DialectRegistry *registry) {
            registry->insert<TwinADialect, TwinBDialect>();
          }};
}
