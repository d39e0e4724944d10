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

/** How long typing must pause before a request goes out while an earlier one is unanswered. */
export const TYPING_PAUSE_MS = 50;

/**
 * The wait before a request. None when the core has answered everything asked before (`busy`
 * false) or the previous change was longer ago than a typing pause (a click, the first letter):
 * the request goes out at once and the answer comes as soon as the core gives it. A typing pause
 * while letters come quickly one after another and an answer is still awaited, so that a fast
 * typist's letters do not queue up behind each other. Each call notes the change it is asked about.
 */
export function pacer(now: () => number = () => performance.now()) {
  let last = -Infinity;
  return function wait(busy: boolean): number {
    const at = now();
    const quick = at - last < TYPING_PAUSE_MS;
    last = at;
    return quick && busy ? TYPING_PAUSE_MS : 0;
  };
}

/**
 * Runs `task` after `ms` (at once, in this call, when `ms` is 0: no other work, such as drawing
 * the letter just typed, comes before the request); returns what cancels a task not yet begun.
 */
export function after(ms: number, task: () => void): () => void {
  if (ms === 0) {
    task();
    return () => {};
  }
  const timer = setTimeout(task, ms);
  return () => clearTimeout(timer);
}
