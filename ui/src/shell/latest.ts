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

/** How long typing must pause before a request goes out. */
export const TYPING_PAUSE_MS = 50;

/**
 * The wait before a request: none when the previous change was longer ago than a typing pause
 * (a click, the first letter typed), so an answer comes as soon as the core gives it; a typing
 * pause while changes come quickly one after another (typing), so that not every letter asks.
 * Each call notes the change it is asked about.
 */
export function pacer(now: () => number = () => performance.now()) {
  let last = -Infinity;
  return function wait(): number {
    const at = now();
    const quick = at - last < TYPING_PAUSE_MS;
    last = at;
    return quick ? TYPING_PAUSE_MS : 0;
  };
}
