//===- Utils.cpp - Helpers shared by the nn -> linalg lowerings -*- C++ -*-===//

#include "codegen/NNToLinalg/Utils.h"

using namespace mlir;

namespace myelin::codegen {

arith::FastMathFlagsAttr fastMath(OpBuilder &b) {
  return arith::FastMathFlagsAttr::get(
      b.getContext(), arith::FastMathFlags::contract |
                          arith::FastMathFlags::reassoc);
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType());
}

Value f32Const(OpBuilder &b, Location loc, float value) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(value));
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   float value) {
  Value init = emptyTensor(b, loc, type);
  return b.create<linalg::FillOp>(loc, f32Const(b, loc, value), init)
      .getResult(0);
}

ValueRange buildElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                            ValueRange inputs, unsigned numResults,
                            BodyFn body) {
  SmallVector<Value> inits;
  for (unsigned i = 0; i < numResults; ++i)
    inits.push_back(emptyTensor(b, loc, type));
  SmallVector<AffineMap> maps(inputs.size() + numResults,
                              b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, SmallVector<Type>(numResults, type), inputs, inits, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args));
      });
  return generic.getResults();
}

Value buildRowReduction(
    OpBuilder &b, Location loc, Value input, ValueRange rowInputs, float init,
    function_ref<Value(OpBuilder &, Location, Value, Value, ValueRange, Value)>
        combine) {
  auto type = cast<RankedTensorType>(input.getType());
  auto rowType = RankedTensorType::get({type.getDimSize(0)},
                                       type.getElementType());
  Value acc = filledTensor(b, loc, rowType, init);
  MLIRContext *ctx = b.getContext();
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineMap full = AffineMap::get(2, 0, {d0, d1}, ctx);
  AffineMap row = AffineMap::get(2, 0, {d0}, ctx);
  SmallVector<Value> inputs{input};
  llvm::append_range(inputs, rowInputs);
  SmallVector<AffineMap> maps{full};
  maps.append(rowInputs.size(), row);
  maps.push_back(row);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{rowType}, inputs, ValueRange{acc}, maps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value cls = nb.create<linalg::IndexOp>(nloc, 1);
        Value result = combine(nb, nloc, args.back(), args.front(),
                               args.drop_front().drop_back(), cls);
        nb.create<linalg::YieldOp>(nloc, result);
      });
  return generic.getResult(0);
}

} // namespace myelin::codegen
