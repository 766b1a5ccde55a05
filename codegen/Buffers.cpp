//===- Buffers.cpp - The table of runtime buffers ---------------*- C++ -*-===//

#include "codegen/Buffers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

using namespace mlir;

ArrayAttr myelin::encodeBufferTable(MLIRContext *ctx,
                                    ArrayRef<BufferInfo> buffers) {
  Builder b(ctx);
  SmallVector<Attribute> entries;
  for (const BufferInfo &buf : buffers)
    entries.push_back(b.getDictionaryAttr({
        b.getNamedAttr("name", b.getStringAttr(buf.name)),
        b.getNamedAttr("role", b.getI32IntegerAttr(buf.role)),
        b.getNamedAttr("type", TypeAttr::get(buf.type)),
        b.getNamedAttr("init", b.getI32IntegerAttr(buf.init)),
        b.getNamedAttr("init_a", b.getF32FloatAttr(buf.initA)),
        b.getNamedAttr("init_b", b.getF32FloatAttr(buf.initB)),
        b.getNamedAttr("related", b.getStringAttr(buf.related)),
        b.getNamedAttr("loc", b.getStringAttr(buf.loc)),
        b.getNamedAttr("activation", b.getStringAttr(buf.activation)),
    }));
  return b.getArrayAttr(entries);
}

FailureOr<std::vector<myelin::BufferInfo>>
myelin::decodeBufferTable(Operation *module) {
  auto table = module->getAttrOfType<ArrayAttr>(kBuffersAttrName);
  if (!table)
    return module->emitError("missing '") << kBuffersAttrName
                                          << "': run myelin-lower-to-buffer-abi";
  std::vector<BufferInfo> buffers;
  for (Attribute entry : table) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto name = dict ? dict.getAs<StringAttr>("name") : nullptr;
    auto role = dict ? dict.getAs<IntegerAttr>("role") : nullptr;
    auto type = dict ? dict.getAs<TypeAttr>("type") : nullptr;
    auto init = dict ? dict.getAs<IntegerAttr>("init") : nullptr;
    auto initA = dict ? dict.getAs<FloatAttr>("init_a") : nullptr;
    auto initB = dict ? dict.getAs<FloatAttr>("init_b") : nullptr;
    auto related = dict ? dict.getAs<StringAttr>("related") : nullptr;
    auto loc = dict ? dict.getAs<StringAttr>("loc") : nullptr;
    if (!name || !role || !type || !isa<RankedTensorType>(type.getValue()) ||
        !init || !initA || !initB || !related || !loc)
      return module->emitError("malformed entry in '")
             << kBuffersAttrName << "': " << entry;
    BufferInfo info;
    info.name = name.getValue().str();
    info.role = role.getInt();
    info.type = cast<RankedTensorType>(type.getValue());
    info.init = init.getInt();
    info.initA = initA.getValueAsDouble();
    info.initB = initB.getValueAsDouble();
    info.related = related.getValue().str();
    info.loc = loc.getValue().str();
    if (auto activation = dict.getAs<StringAttr>("activation"))
      info.activation = activation.getValue().str();
    buffers.push_back(std::move(info));
  }
  return buffers;
}
