//===- HugePages.cpp - Transparent huge pages for big buffers --*- C++ -*-===//
//
// See HugePages.h.
//===----------------------------------------------------------------------===//

#include "runtime/src/HugePages.h"

#include <cstdint>
#include <sys/mman.h>

// Defined by the ELF linkers (GNU ld, gold, lld) for every executable.
extern "C" char __bss_start[];
extern "C" char _end[];

namespace myelin::rt {

bool adviseHugePages(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  auto begin = reinterpret_cast<uintptr_t>(p);
  uintptr_t first = (begin + kHugePage - 1) / kHugePage * kHugePage;
  uintptr_t last = (begin + bytes) / kHugePage * kHugePage;
  if (last <= first)
    return false;
  return madvise(reinterpret_cast<void *>(first), last - first,
                 MADV_HUGEPAGE) == 0;
#else
  (void)p;
  (void)bytes;
  return false;
#endif
}

bool adviseHugePagesForBss() {
  return adviseHugePages(__bss_start, static_cast<size_t>(_end - __bss_start));
}

} // namespace myelin::rt
