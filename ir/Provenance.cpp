//===- Provenance.cpp - Spec provenance carried in locations ----*- C++ -*-===//

#include "ir/Provenance.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

std::string myelin::layerOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string s = layerOf(inner); !s.empty())
        return s;
  if (auto site = dyn_cast<CallSiteLoc>(loc))
    return layerOf(site.getCallee());
  return "";
}

std::string myelin::specLocOf(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto name = dyn_cast<NameLoc>(loc))
    return specLocOf(name.getChildLoc());
  if (auto site = dyn_cast<CallSiteLoc>(loc))
    return specLocOf(site.getCallee());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string s = specLocOf(inner); !s.empty())
        return s;
  return "";
}

std::string myelin::kernelTagOf(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    if (auto tag = dyn_cast_or_null<StringAttr>(fused.getMetadata()))
      return tag.str();
    for (Location inner : fused.getLocations())
      if (std::string s = kernelTagOf(inner); !s.empty())
        return s;
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    return kernelTagOf(name.getChildLoc());
  return "";
}

Location myelin::withKernelTag(Location loc, StringRef tag) {
  return FusedLoc::get(loc.getContext(), {loc},
                       StringAttr::get(loc.getContext(), tag));
}

void myelin::tagKernel(Operation *op, StringRef tag) {
  if (kernelTagOf(op->getLoc()).empty())
    op->setLoc(withKernelTag(op->getLoc(), tag));
}

std::string myelin::kernelSymbol(StringRef layer, StringRef tag) {
  std::string name;
  auto append = [&](StringRef part) {
    if (part.empty())
      return;
    if (!name.empty())
      name += '_';
    for (char c : part)
      name += llvm::isAlnum(c) ? c : '_';
  };
  append(layer);
  append(tag.empty() ? StringRef("kernel") : tag);
  if (llvm::isDigit(name.front()))
    name.insert(0, "k");
  return name;
}
