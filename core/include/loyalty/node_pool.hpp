// Blocks for the nodes of the lots' index sets, from chunks the lots own:
// a node freed is reused by the next one inserted, and nothing goes back to
// malloc until the lots go. An earned lot enters up to four indexes and
// leaves them when it is spent or expires; with malloc, that was about a
// quarter of a small event's cost. Not thread-safe: one state's lots are
// changed by one thread.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace loyalty {

class NodePool {
 public:
  static constexpr std::size_t kLargest = 128;  // bytes; larger nodes come from operator new

  NodePool() = default;
  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;

  void* allocate(std::size_t bytes);
  void deallocate(void* block, std::size_t bytes);
  std::size_t chunk_bytes() const { return chunk_bytes_; }  // taken from malloc, freed with the pool
  std::size_t chunks() const { return chunks_.capacity(); }

 private:
  static constexpr std::size_t kAlign = alignof(std::max_align_t);
  // Chunks of a size class hold 4 nodes, then twice as many as the last, up
  // to 64: most members have a handful of lots, and a held state is weighed
  // by its memory.
  static constexpr std::size_t kFirstChunk = 4;
  static constexpr std::size_t kLargestChunk = 64;
  struct Free {
    Free* next;
  };
  std::array<Free*, kLargest / kAlign> free_{};  // by size class: bytes rounded up to kAlign
  std::array<std::size_t, kLargest / kAlign> next_chunk_{};  // nodes in the class's next chunk (0: the first)
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::size_t chunk_bytes_ = 0;
};

// A standard allocator over a NodePool, for node-based containers.
template <typename T>
class PoolAllocator {
 public:
  using value_type = T;

  explicit PoolAllocator(NodePool* pool) : pool_(pool) {}
  template <typename U>
  PoolAllocator(const PoolAllocator<U>& other) : pool_(other.pool()) {}

  T* allocate(std::size_t n) {
    if (n == 1 && sizeof(T) <= NodePool::kLargest) return static_cast<T*>(pool_->allocate(sizeof(T)));
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) {
    if (n == 1 && sizeof(T) <= NodePool::kLargest) {
      pool_->deallocate(p, sizeof(T));
    } else {
      ::operator delete(p);
    }
  }
  NodePool* pool() const { return pool_; }
  template <typename U>
  bool operator==(const PoolAllocator<U>& o) const { return pool_ == o.pool(); }
  template <typename U>
  bool operator!=(const PoolAllocator<U>& o) const { return pool_ != o.pool(); }

 private:
  NodePool* pool_;
};

}  // namespace loyalty
