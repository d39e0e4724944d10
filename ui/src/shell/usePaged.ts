import { useCallback, useEffect, useRef, useState } from "react";
import type { PaginationProps } from "antd";
import { latest, pacer, STALE } from "./latest";

/** Rows per page: the core reads only these, whatever the workspace's size. */
export const PAGE_SIZES = [50, 100, 200];

export interface Page<T> {
  total: number;
  members: T[];
}

/**
 * A table's rows read a page at a time from the core. `filter` names what the rows are filtered
 * by (a new one starts at the first page); `revision` changes when the workspace did (the page
 * stays). A request goes out at once after a click or the first letter and waits for typing to
 * pause while letters come quickly (`pacer`); an answer overtaken by a newer request is dropped,
 * and the spinner shows only when an answer is slow.
 */
export function usePaged<T>(read: (offset: number, limit: number) => Promise<Page<T>>, filter: string, revision: number, report: (e: unknown) => void) {
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState({ current: 1, size: PAGE_SIZES[0] });
  const [loading, setLoading] = useState(false);
  const run = useRef(latest()).current;
  const wait = useRef(pacer()).current;
  // The latest `read` (a new function every render) without making every render a new request.
  const reader = useRef(read);
  useEffect(() => {
    reader.current = read;
  });

  useEffect(() => setPage((p) => (p.current === 1 ? p : { ...p, current: 1 })), [filter]);

  useEffect(() => {
    const slow = setTimeout(() => setLoading(true), 300);
    const timer = setTimeout(async () => {
      try {
        const found = await run(reader.current((page.current - 1) * page.size, page.size));
        if (found === STALE) return;
        setRows(found.members);
        setTotal(found.total);
        // After deletions the page may lie past the end: show the last one.
        if (found.members.length === 0 && found.total > 0) setPage((p) => ({ ...p, current: Math.ceil(found.total / p.size) }));
      } catch (e) {
        report(e);
      }
      clearTimeout(slow);
      setLoading(false);
    }, wait());
    return () => {
      clearTimeout(timer);
      clearTimeout(slow);
    };
  }, [filter, page, revision, report, run, wait]);

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
