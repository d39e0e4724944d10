import { useCallback, useEffect, useRef, useState } from "react";
import { after, pacer } from "./latest";
import type { Page } from "./usePaged";

/** Rows read at a time as the list scrolls: the core reads only these, whatever the size. */
export const CHUNK = 100;
/** How close to the end of the rows read (in pixels) scrolling asks for the next ones. */
export const AHEAD_PX = 1200;
/** At most this many rows are read again after a change (the rest come back as one scrolls). */
export const REFRESH_MAX = 2000;

/**
 * A list's rows read from the core as it scrolls: the first `CHUNK` for a new `filter` (the
 * list goes back to the top: `toTop` is called as they are shown, so both are drawn at once),
 * the next ones when the scroll comes near the end of those read (`onScroll`, or `more`). When
 * the workspace changes (`revision`) the rows already shown are read again in one request and
 * replace the old ones in place, so the scroll position stays. An answer for an older filter or
 * revision is dropped; the spinner shows only when an answer is slow; a request goes out at once,
 * unless letters come quickly while an answer is awaited (`pacer`). `answered` is the filter the
 * rows shown answer.
 */
export function useScrolled<T>(
  read: (offset: number, limit: number) => Promise<Page<T>>,
  filter: string,
  revision: number,
  report: (e: unknown) => void,
  toTop: () => void = () => {},
) {
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [answered, setAnswered] = useState<string | null>(null);
  const shown = useRef<{ rows: T[]; total: number }>({ rows: [], total: 0 });
  // Bumped by every new filter or revision: answers to older requests are dropped.
  const generation = useRef(0);
  const reading = useRef(false);
  // First rows asked for and not answered yet (for `pacer`).
  const awaited = useRef(0);
  const lastFilter = useRef<string | null>(null);
  const wait = useRef(pacer()).current;
  // The latest `read`, `report` and `toTop` (maybe new functions every render) without making
  // every render a new request.
  const reader = useRef(read);
  const reporter = useRef(report);
  const top = useRef(toTop);
  useEffect(() => {
    reader.current = read;
    reporter.current = report;
    top.current = toTop;
  });

  const show = useCallback((next: T[], count: number) => {
    shown.current = { rows: next, total: count };
    setRows(next);
    setTotal(count);
  }, []);

  useEffect(() => {
    const fresh = lastFilter.current !== filter;
    lastFilter.current = filter;
    const mine = ++generation.current;
    reading.current = false;
    const limit = fresh ? CHUNK : Math.min(Math.max(shown.current.rows.length, CHUNK), REFRESH_MAX);
    const slow = setTimeout(() => setLoading(true), 300);
    const cancel = after(wait(awaited.current > 0), async () => {
      awaited.current++;
      try {
        const found = await reader.current(0, limit);
        if (mine !== generation.current) return;
        if (fresh) top.current();
        show(found.members, found.total);
        setAnswered(filter);
      } catch (e) {
        if (mine === generation.current) reporter.current(e);
      } finally {
        awaited.current--;
      }
      clearTimeout(slow);
      if (mine === generation.current) setLoading(false);
    });
    return () => {
      cancel();
      clearTimeout(slow);
    };
  }, [filter, revision, show, wait]);

  const more = useCallback(async () => {
    const { rows: have, total: all } = shown.current;
    if (reading.current || have.length >= all) return;
    reading.current = true;
    const mine = generation.current;
    try {
      const found = await reader.current(have.length, CHUNK);
      if (mine !== generation.current) return;
      show(shown.current.rows.concat(found.members), found.total);
    } catch (e) {
      if (mine === generation.current) reporter.current(e);
    } finally {
      if (mine === generation.current) reading.current = false;
    }
  }, [show]);

  const onScroll = useCallback(
    (e: React.UIEvent<HTMLElement>) => {
      const el = e.currentTarget;
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - AHEAD_PX) void more();
    },
    [more],
  );

  return { rows, total, loading, answered, more, onScroll };
}
