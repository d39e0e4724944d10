import { useCallback, useEffect, useRef, useState } from "react";
import type { PaginationProps } from "antd";
import { after, latest, pacer, STALE } from "./latest";

/** Rows per page: the core reads only these, whatever the workspace's size. */
export const PAGE_SIZES = [50, 100, 200];

export interface Page<T> {
  total: number;
  members: T[];
}

/**
 * A table's rows read a page at a time from the core. `filter` names what the rows are filtered
 * by (a new one starts at the first page); `revision` changes when the workspace did (the page
 * stays). A request goes out at once, unless letters come quickly while an answer is awaited
 * (`pacer`); an answer overtaken by a newer request is dropped, and the spinner shows only when
 * an answer is slow.
 */
export function usePaged<T>(read: (offset: number, limit: number) => Promise<Page<T>>, filter: string, revision: number, report: (e: unknown) => void) {
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState({ current: 1, size: PAGE_SIZES[0] });
  const [loading, setLoading] = useState(false);
  const run = useRef(latest()).current;
  const wait = useRef(pacer()).current;
  // Requests not answered yet (for `pacer`).
  const awaited = useRef(0);
  // The latest `read` and `report` (maybe new functions every render) without making every
  // render a new request.
  const reader = useRef(read);
  const reporter = useRef(report);
  useEffect(() => {
    reader.current = read;
    reporter.current = report;
  });

  const lastFilter = useRef(filter);

  useEffect(() => {
    // A new filter starts at the first page: that page is asked for once it is set.
    const fresh = lastFilter.current !== filter;
    lastFilter.current = filter;
    if (fresh && page.current !== 1) {
      setPage((p) => ({ ...p, current: 1 }));
      return;
    }
    const slow = setTimeout(() => setLoading(true), 300);
    const cancel = after(wait(awaited.current > 0), async () => {
      awaited.current++;
      try {
        const found = await run(reader.current((page.current - 1) * page.size, page.size));
        if (found === STALE) return;
        setRows(found.members);
        setTotal(found.total);
        // After deletions the page may lie past the end: show the last one.
        if (found.members.length === 0 && found.total > 0) setPage((p) => ({ ...p, current: Math.ceil(found.total / p.size) }));
      } catch (e) {
        reporter.current(e);
      } finally {
        awaited.current--;
      }
      clearTimeout(slow);
      setLoading(false);
    });
    return () => {
      cancel();
      clearTimeout(slow);
    };
  }, [filter, page, revision, run, wait]);

  const turn = useCallback((current: number, size: number) => setPage((p) => ({ current: size === p.size ? current : 1, size })), []);

  return { rows, total, page, loading, turn };
}

/** A table's pagination for `usePaged`'s page and total; `showTotal` words the count. */
export function pagination(page: { current: number; size: number }, total: number, turn: (current: number, size: number) => void, showTotal: (total: number) => React.ReactNode): PaginationProps {
  return {
    current: page.current,
    pageSize: page.size,
    total,
    size: "small",
    showSizeChanger: true,
    pageSizeOptions: PAGE_SIZES,
    showTotal,
    onChange: turn,
  };
}
