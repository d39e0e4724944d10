/** What `latest` gives for an answer that a newer request has made stale. */
export const STALE = Symbol("stale");

/**
 * Wraps requests so that only the newest one's answer is kept: when answers come back out of
 * order (a slow search for "z" after a fast one for "zw"), the older ones resolve to `STALE`
 * and are dropped, so the screen never goes back to an earlier query.
 */
export function latest() {
  let newest = 0;
  return async function <T>(request: Promise<T>): Promise<T | typeof STALE> {
    const mine = ++newest;
    try {
      const value = await request;
      return mine === newest ? value : STALE;
    } catch (e) {
      if (mine === newest) throw e;
      return STALE;
    }
  };
}
