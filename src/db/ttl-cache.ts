/**
 * A per-process cache whose entries expire after `ttlMs`: for rows the till
 * reads on every request and that change rarely (merchant settings, stores,
 * terminals). Several api processes each hold their own copy, so a change
 * made elsewhere is seen within `ttlMs`; the process that makes a change
 * calls `delete` and sees it at once. Values are frozen copies: a caller
 * cannot change what the next request reads.
 */
export class TtlCache<V extends object> {
  private readonly entries = new Map<string, { at: number; value: Readonly<V> }>();
  private prunedAt = 0;

  constructor(private readonly ttlMs: number) {}

  /** The cached value, or `load()`'s answer (cached unless it threw). */
  async get(key: string, load: () => Promise<V>): Promise<Readonly<V>> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = Object.freeze({ ...(await load()) });
    // Dropping stale entries (at most once per ttl) keeps the map to recently active keys.
    if (now - this.prunedAt >= this.ttlMs) {
      for (const [k, e] of this.entries) if (now - e.at >= this.ttlMs) this.entries.delete(k);
      this.prunedAt = now;
    }
    this.entries.set(key, { at: now, value });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
