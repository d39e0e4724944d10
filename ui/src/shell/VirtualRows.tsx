import { useCallback, useImperativeHandle, useRef, useState, type Key, type ReactNode, type Ref, type UIEvent } from "react";
import type { ColumnType } from "antd/es/table";

/** Every row's height in pixels: rows are placed by arithmetic, not measured. */
export const ROW_HEIGHT = 48;
/** Rows drawn above and below the visible ones, so that a scroll shows no gap before they come. */
const OVERSCAN = 4;
/** Cells are centred in the row's fixed height, not padded to it. */
const PLAIN = { paddingBlock: 0 } as const;
/** A column fixed on the right stays in view as the rows scroll sideways (as in antd's header). */
const STICKY_END = { ...PLAIN, position: "sticky", insetInlineEnd: 0, zIndex: 2 } as const;

export interface RowsHandle {
  /** Back to the first row, drawn in the same render as the rows that come with it. */
  toTop(): void;
}

interface Props<T> {
  data: readonly T[];
  /** The table's columns, each with a width in pixels. */
  columns: readonly ColumnType<T>[];
  rowKey: (row: T) => Key;
  /** The rows' width (the table's `scroll.x`) and the visible height (its `scroll.y`). */
  width: number;
  height: number;
  /** The table's own ref and scroll handler (they keep its header in line) and the list's. */
  tableRef: Ref<{ scrollLeft: number }>;
  onScroll: (e: UIEvent<HTMLDivElement>) => void;
  empty: ReactNode;
  handle: Ref<RowsHandle>;
}

/** A cell's content as antd draws it: the column's `render`, else the value as text. */
function cell<T>(column: ColumnType<T>, row: T, index: number): ReactNode {
  const value = column.dataIndex === undefined ? undefined : (row as Record<string, unknown>)[column.dataIndex as string];
  if (column.render) return column.render(value, row, index) as ReactNode;
  return value === null || value === undefined ? "" : String(value);
}

/** A cell's classes, as antd gives them. */
function classes<T>(c: ColumnType<T>): string {
  let name = "ant-table-cell";
  if (c.ellipsis) name += " ant-table-cell-ellipsis";
  if (c.fixed === "right") name += " ant-table-cell-fix ant-table-cell-fix-end";
  return name;
}

/**
 * The body of an antd Table (its `components.body`) that draws only the rows in view, each a
 * plain table row with antd's classes: antd's own virtual table took some 30 ms to draw each new
 * set of rows (every search keystroke), this about half as long. The header, the spinner and the
 * styles stay antd's; the rows use the same columns, so they line up.
 */
export default function VirtualRows<T>({ data, columns, rowKey, width, height, tableRef, onScroll, empty, handle }: Props<T>) {
  const [top, setTop] = useState(0);
  const el = useRef<HTMLDivElement | null>(null);

  useImperativeHandle(handle, () => ({
    toTop() {
      if (el.current) el.current.scrollTop = 0;
      setTop(0);
    },
  }));

  const attach = useCallback(
    (node: HTMLDivElement | null) => {
      el.current = node;
      if (typeof tableRef === "function") tableRef(node);
      else if (tableRef) (tableRef as { current: unknown }).current = node;
    },
    [tableRef],
  );

  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(data.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const shown = data.slice(first, last);
  // Rows are keyed by their place among those drawn, not by what they show: a new set of rows
  // (a search keystroke, a scroll) changes the cells of the rows already drawn instead of removing
  // them and making new ones.

  return (
    <div
      ref={attach}
      className="ant-table-body virtual-rows"
      style={{ height, overflow: "auto" }}
      onScroll={(e) => {
        setTop(e.currentTarget.scrollTop);
        onScroll(e);
      }}
      data-testid="virtual-rows"
    >
      <table style={{ width, minWidth: "100%", tableLayout: "fixed" }}>
        <colgroup>
          {columns.map((c, i) => (
            <col key={i} style={{ width: c.width }} />
          ))}
        </colgroup>
        <tbody className="ant-table-tbody">
          {data.length === 0 && (
            <tr className="ant-table-placeholder">
              <td className="ant-table-cell" colSpan={columns.length}>
                {empty}
              </td>
            </tr>
          )}
          {first > 0 && <tr aria-hidden style={{ height: first * ROW_HEIGHT }} />}
          {shown.map((row, i) => (
            <tr key={i} className="ant-table-row" data-row-key={rowKey(row)} style={{ height: ROW_HEIGHT }}>
              {columns.map((c, j) => {
                const content = cell(c, row, first + i);
                return (
                  <td
                    key={j}
                    className={classes(c)}
                    style={c.fixed === "right" ? STICKY_END : PLAIN}
                    title={c.ellipsis && typeof content === "string" ? content : undefined}
                  >
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
          {last < data.length && <tr aria-hidden style={{ height: (data.length - last) * ROW_HEIGHT }} />}
        </tbody>
      </table>
    </div>
  );
}
