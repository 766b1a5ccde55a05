//===- HugePages.h - Transparent huge pages for big buffers ----*- C++ -*-===//
//
// A training step streams the parameters, gradients, optimizer state and the
// static slots of its intermediates (hundreds of MB) through the matrix
// kernels, whose packing walks rows kilobytes apart: with 4 KiB pages the
// TLB covers 8 MB of that. Where the kernel's transparent huge pages are in
// `madvise` mode (the default of Debian and of this project's machines),
// memory only gets 2 MiB pages when asked for; these helpers ask, for the
// model's buffers and for the executable's .bss, where the static slots
// live. Advice only: without THP, or where it fails, nothing changes.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_HUGEPAGES_H
#define MYELIN_RUNTIME_HUGEPAGES_H

#include <cstddef>

namespace myelin::rt {

/// 2 MiB, the x86-64 huge page.
constexpr size_t kHugePage = size_t(2) << 20;

/// Buffers of at least this many bytes are aligned to and advised for huge
/// pages (smaller ones would waste most of one).
constexpr size_t kHugePageMinBytes = kHugePage;

/// Asks for huge pages on the 2 MiB-aligned pages inside [p, p + bytes),
/// before the memory is first touched. Returns whether madvise accepted it
/// (false also when the range holds no whole huge page).
bool adviseHugePages(void *p, size_t bytes);

/// The same for this executable's .bss (the kernels' static slots),
/// from the linker-defined __bss_start to _end.
bool adviseHugePagesForBss();

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_HUGEPAGES_H
