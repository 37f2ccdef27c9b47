/** Splits items into runs of at most `size`: the batch sizes of the vendors' APIs and of SQL IN lists. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
