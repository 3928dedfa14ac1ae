// A buffer that grows to the largest request and is reused: allocating megabytes per call costs
// page faults on every call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace ms {

struct Scratch {
  float* data = nullptr;
  int64_t floats = 0;

  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { std::free(data); }

  // At least n floats, 64-byte aligned, or null when memory runs out.
  float* reserve(int64_t n) {
    if (n > floats) {
      std::free(data);
      const size_t bytes = (static_cast<size_t>(n) * sizeof(float) + 63) & ~size_t(63);
      data = static_cast<float*>(std::aligned_alloc(64, bytes));
      floats = data ? n : 0;
    }
    return data;
  }
};

}  // namespace ms
