#include "loyalty/node_pool.hpp"

namespace loyalty {

void* NodePool::allocate(std::size_t bytes) {
  const std::size_t c = (bytes + kAlign - 1) / kAlign - 1;
  if (!free_[c]) {
    const std::size_t size = (c + 1) * kAlign;
    const std::size_t nodes = next_chunk_[c] ? next_chunk_[c] : kFirstChunk;
    next_chunk_[c] = nodes < kLargestChunk ? nodes * 2 : kLargestChunk;
    // Not zeroed, as make_unique's would be: a node is written before it is used.
    chunks_.emplace_back(new std::byte[size * nodes]);
    chunk_bytes_ += size * nodes;
    std::byte* chunk = chunks_.back().get();
    for (std::size_t i = nodes; i-- > 0;) free_[c] = new (chunk + i * size) Free{free_[c]};
  }
  Free* block = free_[c];
  free_[c] = block->next;
  return block;
}

void NodePool::deallocate(void* block, std::size_t bytes) {
  const std::size_t c = (bytes + kAlign - 1) / kAlign - 1;
  free_[c] = new (block) Free{free_[c]};
}

}  // namespace loyalty
