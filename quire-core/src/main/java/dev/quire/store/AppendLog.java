package dev.quire.store;

import java.util.Arrays;
import java.util.List;

/**
 * An append-only array with one writer and lock-free readers.
 *
 * <p>Concurrency: {@link #addAll} must be called by one thread at a time (the owner's write lock).
 * It writes the elements, then publishes them with a single volatile write of {@code size}, so a
 * reader sees a whole {@code addAll} or none of it. A reader reads {@link #size()} first and then
 * only {@link #get} below it: the array reference is written before {@code size}, and a grown array
 * holds copies of every element published before it, so those reads never see a hole.
 */
final class AppendLog<T> {

  private volatile Object[] items = new Object[8];
  private volatile int size;

  /** Appends {@code added} and publishes them at once; writer only. */
  void addAll(List<? extends T> added) {
    int n = size;
    Object[] array = items;
    int needed = n + added.size();
    if (needed > array.length) {
      array = Arrays.copyOf(array, Math.max(needed, array.length * 2));
      items = array;
    }
    for (T item : added) {
      array[n++] = item;
    }
    size = n;
  }

  int size() {
    return size;
  }

  /** The element at {@code position}, which must be below a size read before. */
  @SuppressWarnings("unchecked")
  T get(int position) {
    return (T) items[position];
  }
}
