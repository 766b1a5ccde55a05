//===- HugePagesTest.cpp - Huge-page advice for big buffers ---------------===//
//
// Big model buffers start on a 2 MiB boundary and carry the kernel's
// huge-page advice (the `hg` flag of their mapping in /proc/self/smaps);
// small ones stay 64-byte aligned; a range without a whole huge page is not
// advised. Where the kernel has no transparent huge pages, the flag checks
// are skipped.
//===----------------------------------------------------------------------===//

#include "runtime/src/HugePages.h"
#include "runtime/src/Model.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

using namespace myelin::rt;

namespace {

bool kernelHasThp() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  return f.good();
}

/// The VmFlags of the mapping that holds `p`, from /proc/self/smaps.
std::string vmFlags(const void *p) {
  auto addr = reinterpret_cast<uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long lo, hi;
    char dash;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-' &&
        line.find(':') != std::string::npos &&
        line.find(' ') > line.find('-')) {
      inside = lo <= addr && addr < hi;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0)
      return line.substr(8) + " ";
  }
  return "";
}

bool advisedHuge(const void *p) {
  return vmFlags(p).find(" hg ") != std::string::npos;
}

} // namespace

TEST(HugePagesTest, NoWholeHugePageNoAdvice) {
  // 1 MiB cannot hold a whole 2 MiB page, wherever it starts.
  void *p = nullptr;
  ASSERT_EQ(posix_memalign(&p, 64, size_t(1) << 20), 0);
  EXPECT_FALSE(adviseHugePages(p, size_t(1) << 20));
  std::free(p);
}

TEST(HugePagesTest, AdvisesTheAlignedInterior) {
  size_t bytes = 3 * kHugePage;
  void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  if (!kernelHasThp()) {
    munmap(p, bytes);
    GTEST_SKIP() << "no transparent huge pages in this kernel";
  }
  // 3 x 2 MiB from any 4 KiB boundary holds at least two whole huge pages.
  EXPECT_TRUE(adviseHugePages(p, bytes));
  auto first = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) / kHugePage *
               kHugePage;
  EXPECT_TRUE(advisedHuge(reinterpret_cast<void *>(first)));
  munmap(p, bytes);
}

TEST(HugePagesTest, BufferSetAlignsAndAdvisesBigBuffers) {
  myelin_rt_buffer_desc buffers[2] = {};
  buffers[0].name = "big";
  buffers[0].dtype = MYELIN_RT_F32;
  buffers[0].rank = 2;
  buffers[0].shape[0] = 1024;
  buffers[0].shape[1] = 1024; // 4 MiB
  buffers[1].name = "small";
  buffers[1].dtype = MYELIN_RT_F32;
  buffers[1].rank = 1;
  buffers[1].shape[0] = 17;
  myelin_rt_model_desc m = {};
  m.buffers = buffers;
  m.num_buffers = 2;
  ModelInfo info;
  info.desc = &m;
  info.numel = {1024 * 1024, 17};
  BufferSet set;
  ASSERT_EQ(set.allocate(info), "");
  EXPECT_EQ(reinterpret_cast<uintptr_t>(set.data()[0]) % kHugePage, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(set.data()[1]) % 64, 0u);
  for (int64_t i = 0; i < 1024 * 1024; i += 4099) {
    ASSERT_EQ(set.f32(0)[i], 0.0f);
  }
  if (kernelHasThp()) {
    EXPECT_TRUE(advisedHuge(set.data()[0]));
  }
}

namespace {
// 6 MiB of .bss, as the kernels' static slots are.
char bigStatic[3 * kHugePage];
} // namespace

TEST(HugePagesTest, AdvisesTheBss) {
  if (!kernelHasThp())
    GTEST_SKIP() << "no transparent huge pages in this kernel";
  EXPECT_TRUE(adviseHugePagesForBss());
  auto first = (reinterpret_cast<uintptr_t>(bigStatic) + kHugePage - 1) /
               kHugePage * kHugePage;
  EXPECT_TRUE(advisedHuge(reinterpret_cast<void *>(first)));
  bigStatic[0] = 1; // (keeps the array)
}
