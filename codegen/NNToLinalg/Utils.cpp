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

SmallVector<Value> buildLastDimGeneric(OpBuilder &b, Location loc,
                                       RankedTensorType type, ValueRange full,
                                       ValueRange rows, ValueRange features,
                                       LastDimResult kind,
                                       ArrayRef<float> inits, BodyFn body) {
  unsigned rank = type.getRank();
  AffineMap fullMap = b.getMultiDimIdentityMap(rank);
  // Built from the expressions: getMajorSubMap(0) would be a null map.
  ArrayRef<AffineExpr> dims = fullMap.getResults();
  AffineMap rowMap = AffineMap::get(rank, 0, dims.drop_back(), b.getContext());
  AffineMap featureMap =
      AffineMap::get(rank, 0, dims.take_back(), b.getContext());
  SmallVector<AffineMap> maps(full.size(), fullMap);
  maps.append(rows.size(), rowMap);
  maps.append(features.size(), featureMap);

  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  RankedTensorType resultType = type;
  AffineMap resultMap = fullMap;
  if (kind == LastDimResult::Rows) {
    iterators.back() = utils::IteratorType::reduction;
    resultType = RankedTensorType::get(type.getShape().drop_back(),
                                       type.getElementType());
    resultMap = rowMap;
  } else if (kind == LastDimResult::Features) {
    std::fill(iterators.begin(), iterators.end() - 1,
              utils::IteratorType::reduction);
    resultType = RankedTensorType::get(type.getShape().take_back(),
                                       type.getElementType());
    resultMap = featureMap;
  }
  SmallVector<Value> outs;
  for (float init : inits)
    outs.push_back(kind == LastDimResult::Full
                       ? emptyTensor(b, loc, resultType)
                       : filledTensor(b, loc, resultType, init));
  maps.append(inits.size(), resultMap);

  SmallVector<Value> inputs(full);
  llvm::append_range(inputs, rows);
  llvm::append_range(inputs, features);
  auto generic = b.create<linalg::GenericOp>(
      loc, SmallVector<Type>(inits.size(), resultType), inputs, outs, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args));
      });
  return SmallVector<Value>(generic.getResults());
}

Value FastArith::add(Value x, Value y) {
  return b.create<arith::AddFOp>(loc, x, y, fastMath(b));
}
Value FastArith::sub(Value x, Value y) {
  return b.create<arith::SubFOp>(loc, x, y, fastMath(b));
}
Value FastArith::mul(Value x, Value y) {
  return b.create<arith::MulFOp>(loc, x, y, fastMath(b));
}
Value FastArith::div(Value x, Value y) {
  return b.create<arith::DivFOp>(loc, x, y, fastMath(b));
}
Value FastArith::exp(Value x) {
  return b.create<math::ExpOp>(loc, x, fastMath(b));
}
Value FastArith::rsqrt(Value x) {
  return div(c(1.0f), b.create<math::SqrtOp>(loc, x, fastMath(b)));
}
Value FastArith::sigmoid(Value x) {
  return div(c(1.0f), add(c(1.0f), exp(b.create<arith::NegFOp>(loc, x))));
}

Value buildRowMax(OpBuilder &b, Location loc, Value x) {
  return buildLastDimGeneric(
      b, loc, cast<RankedTensorType>(x.getType()), {x}, {}, {},
      LastDimResult::Rows, {-std::numeric_limits<float>::infinity()},
      [](OpBuilder &nb, Location l, ValueRange a) {
        return SmallVector<Value>{nb.create<arith::MaximumFOp>(l, a[1], a[0])};
      })[0];
}

std::pair<Value, Value> buildSoftmaxStats(OpBuilder &b, Location loc,
                                          Value logits) {
  auto type = cast<RankedTensorType>(logits.getType());
  Value rowMax = buildRowMax(b, loc, logits);
  Value rowSum = buildLastDimGeneric(
      b, loc, type, {logits}, {rowMax}, {}, LastDimResult::Rows, {0.0f},
      [](OpBuilder &nb, Location l, ValueRange a) {
        FastArith m{nb, l};
        return SmallVector<Value>{m.add(a[2], m.exp(m.sub(a[0], a[1])))};
      })[0];
  return {rowMax, rowSum};
}

} // namespace myelin::codegen
