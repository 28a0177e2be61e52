package dev.quire.model;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;

/**
 * Where Quire's Jackson parsers and generators get their buffers: per platform thread (Jackson's
 * default), and from a small shared pool on virtual threads. Jackson's default keeps one set of
 * buffers per thread; a virtual thread lives for one request, so each request allocated (and
 * zeroed) fresh 8 KB buffers for every generator: in a profile of {@code quire serve}, generator
 * creation alone was 2.6 % of the server's CPU samples.
 */
final class JsonBufferPool implements RecyclerPool<BufferRecycler> {

  static final JsonBufferPool INSTANCE = new JsonBufferPool();

  private static final long serialVersionUID = 1L;
  private static final RecyclerPool<BufferRecycler> PLATFORM = JsonRecyclerPools.threadLocalPool();
  /** Bounded: more buffers than concurrent users are dropped, not kept. */
  private final transient RecyclerPool<BufferRecycler> virtual = JsonRecyclerPools.newBoundedPool(64);

  /** The shared instance is {@link #INSTANCE}; tests make their own to start from an empty pool. */
  JsonBufferPool() {}

  @Override
  public BufferRecycler acquireAndLinkPooled() {
    return pool().acquireAndLinkPooled();
  }

  @Override
  public BufferRecycler acquirePooled() {
    return pool().acquirePooled();
  }

  @Override
  public void releasePooled(BufferRecycler recycler) {
    pool().releasePooled(recycler);
  }

  private RecyclerPool<BufferRecycler> pool() {
    return Thread.currentThread().isVirtual() ? virtual : PLATFORM;
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
