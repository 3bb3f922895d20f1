// C++'s global allocation functions, replaced for the whole program
// (Google Benchmark, the C++ library and the shim allocate through them).
// The library's own throw std::bad_alloc when memory runs out, and
// nothing in Google Benchmark catches it: the exception reaches
// std::terminate, which aborts (SIGABRT), and when memory is gone for
// good even the exception cannot be allocated.  Here a failed
// allocation ends the run the way pcbench ends any run that cannot go
// on: the temporary removed, one line, exit status 1 (base/outfile.h).
// Each pairs with C's malloc and free, so that a sanitizer sees
// matching calls; the nothrow forms return NULL as the standard says.
#include <cstdlib>
#include <new>

#include "base/outfile.h"

namespace {

void *allocate(std::size_t n)
{
  void *p = std::malloc(n ? n : 1);

  if (p == nullptr)
    pcb_out_of_memory("a C++ allocation in Google Benchmark or its library");
  return p;
}

void *allocate_aligned(std::size_t n, std::align_val_t a)
{
  std::size_t align = static_cast<std::size_t>(a);
  void *p = std::aligned_alloc(align, (n + align - 1) / align * align);

  if (p == nullptr)
    pcb_out_of_memory("a C++ allocation in Google Benchmark or its library");
  return p;
}

}  // namespace

void *operator new(std::size_t n) { return allocate(n); }
void *operator new[](std::size_t n) { return allocate(n); }
void *operator new(std::size_t n, std::align_val_t a)
{
  return allocate_aligned(n, a);
}
void *operator new[](std::size_t n, std::align_val_t a)
{
  return allocate_aligned(n, a);
}
void *operator new(std::size_t n, const std::nothrow_t &) noexcept
{
  return std::malloc(n ? n : 1);
}
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept
{
  return std::malloc(n ? n : 1);
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
void operator delete(void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void *p, std::size_t, std::align_val_t) noexcept
{
  std::free(p);
}
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept
{
  std::free(p);
}
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept
{
  std::free(p);
}
