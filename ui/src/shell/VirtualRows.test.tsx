import { act, cleanup, fireEvent, render } from "@testing-library/react";
import { createRef } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import VirtualRows, { ROW_HEIGHT, type RowsHandle } from "./VirtualRows";

type Row = { id: number; name: string };
const columns = [
  { title: "Name", dataIndex: "name", width: 120, ellipsis: true },
  { title: "", key: "id", width: 60, fixed: "right" as const, render: (_: unknown, r: Row) => <b>#{r.id}</b> },
];
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i, name: `成员${i}` }));

function draw(data: Row[], height = 10 * ROW_HEIGHT) {
  const handle = createRef<RowsHandle>();
  const tableRef = createRef<{ scrollLeft: number }>();
  const scrolled: number[] = [];
  const view = render(
    <VirtualRows<Row>
      data={data}
      columns={columns}
      rowKey={(r) => r.id}
      width={180}
      height={height}
      tableRef={tableRef}
      onScroll={(e) => scrolled.push(e.currentTarget.scrollTop)}
      empty="没有成员"
      handle={handle}
    />,
  );
  const body = view.getByTestId("virtual-rows") as HTMLDivElement;
  const drawn = () => [...body.querySelectorAll("tr.ant-table-row")].map((tr) => Number(tr.getAttribute("data-row-key")));
  const spacers = () => [...body.querySelectorAll("tr[aria-hidden]")].map((tr) => (tr as HTMLElement).style.height);
  return { view, body, handle, tableRef, scrolled, drawn, spacers };
}

describe("VirtualRows", () => {
  afterEach(cleanup);

  it("draws only the rows in view, with spacers for the others, and the same cells as antd", () => {
    const { body, drawn, spacers, tableRef } = draw(rows(100_000));
    // 10 rows in view and 4 more below; the rest is one spacer of their height.
    expect(drawn()).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(spacers()).toEqual([`${(100_000 - 14) * ROW_HEIGHT}px`]);
    expect(tableRef.current).toBe(body);
    const cells = body.querySelectorAll("tr.ant-table-row")[3].querySelectorAll("td");
    expect(cells[0].textContent).toBe("成员3");
    expect(cells[0].className).toContain("ant-table-cell-ellipsis");
    expect(cells[0].title).toBe("成员3");
    expect(cells[1].textContent).toBe("#3");
    expect(cells[1].style.position).toBe("sticky");
  });

  it("draws the rows a scroll brings into view and goes back to the top when asked", () => {
    const { body, drawn, spacers, handle, scrolled } = draw(rows(1000));
    body.scrollTop = 500 * ROW_HEIGHT;
    fireEvent.scroll(body);
    expect(scrolled).toEqual([500 * ROW_HEIGHT]);
    expect(drawn()[0]).toBe(496);
    expect(drawn()).toContain(509);
    expect(spacers()).toEqual([`${496 * ROW_HEIGHT}px`, `${(1000 - 514) * ROW_HEIGHT}px`]);
    act(() => handle.current!.toTop());
    expect(body.scrollTop).toBe(0);
    expect(drawn()[0]).toBe(0);
  });

  it("shows new rows in the rows already drawn, at any scroll, without two rows sharing a key", () => {
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args) => void errors.push(args));
    const { view, body, drawn, handle } = draw(rows(1000));
    for (const at of [3, 998, 77, 500, 501]) {
      body.scrollTop = at * ROW_HEIGHT + 17;
      fireEvent.scroll(body);
    }
    const before = [...body.querySelectorAll("tr.ant-table-row")];
    // A new search: other members, back at the top. The rows on screen are the same elements.
    const others = rows(2000).slice(1000);
    view.rerender(
      <VirtualRows<Row> data={others} columns={columns} rowKey={(r) => r.id} width={180} height={10 * ROW_HEIGHT} tableRef={createRef()} onScroll={() => {}} empty="" handle={handle} />,
    );
    act(() => handle.current!.toTop());
    const after = [...body.querySelectorAll("tr.ant-table-row")];
    expect(drawn()).toEqual(Array.from({ length: 14 }, (_, i) => 1000 + i));
    expect(after[0].querySelector("td")!.textContent).toBe("成员1000");
    expect(after.filter((tr) => before.includes(tr)).length).toBe(after.length);
    spy.mockRestore();
    expect(errors).toEqual([]);
  });

  it("says so when there is nothing to show", () => {
    const { view, drawn } = draw([]);
    expect(drawn()).toEqual([]);
    expect(view.getByText("没有成员")).toBeTruthy();
  });
});
