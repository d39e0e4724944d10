import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CHUNK, useScrolled } from "./useScrolled";
import type { Page } from "./usePaged";

/** A list of `n` numbered rows (with a tag: which version of the list answered), as the core pages it. */
function source(n: number, tag = "a") {
  const asked: [number, number][] = [];
  const read = (offset: number, limit: number): Promise<Page<string>> => {
    asked.push([offset, limit]);
    const members = Array.from({ length: Math.max(0, Math.min(limit, n - offset)) }, (_, i) => `${tag}${offset + i}`);
    return Promise.resolve({ total: n, members });
  };
  return { read, asked };
}

describe("useScrolled", () => {
  it("reads the first rows, then the next ones as the list scrolls, and stops at the end", async () => {
    const { read, asked } = source(250);
    const { result } = renderHook(() => useScrolled(read, "all", 0, () => {}));
    await waitFor(() => expect(result.current.rows).toHaveLength(CHUNK));
    expect(result.current.total).toBe(250);
    expect(result.current.answered).toBe("all");
    await act(() => result.current.more());
    await act(() => result.current.more());
    expect(result.current.rows).toHaveLength(250);
    expect(result.current.rows[249]).toBe("a249");
    await act(() => result.current.more());
    expect(asked).toEqual([
      [0, CHUNK],
      [CHUNK, CHUNK],
      [2 * CHUNK, CHUNK],
    ]);
  });

  it("asks nothing more when only the caller's functions are new (drawn again)", async () => {
    const { read, asked } = source(250);
    const { result, rerender } = renderHook(() => useScrolled(read, "all", 0, () => {}, () => {}));
    await waitFor(() => expect(result.current.rows).toHaveLength(CHUNK));
    rerender();
    rerender();
    await new Promise((r) => setTimeout(r, 80));
    expect(asked).toEqual([[0, CHUNK]]);
  });

  it("asks for a new filter's rows in the same render when every answer is in", async () => {
    const { read, asked } = source(250);
    const { result, rerender } = renderHook(({ filter }) => useScrolled(read, filter, 0, () => {}), { initialProps: { filter: "z" } });
    await waitFor(() => expect(result.current.answered).toBe("z"));
    rerender({ filter: "zw" });
    // Not after a timer: before the browser draws anything else.
    expect(asked).toEqual([
      [0, CHUNK],
      [0, CHUNK],
    ]);
    await waitFor(() => expect(result.current.answered).toBe("zw"));
  });

  it("drops the next rows of a filter that changed while they were read", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const old = source(500, "old");
    const slowOld = async (offset: number, limit: number) => {
      if (offset > 0) await gate;
      return old.read(offset, limit);
    };
    const fresh = source(3, "new");
    const { result, rerender } = renderHook(({ filter }) => useScrolled(filter === "old" ? slowOld : fresh.read, filter, 0, () => {}), {
      initialProps: { filter: "old" },
    });
    await waitFor(() => expect(result.current.rows).toHaveLength(CHUNK));
    const pending = result.current.more();
    rerender({ filter: "new" });
    await waitFor(() => expect(result.current.rows).toEqual(["new0", "new1", "new2"]));
    release();
    await act(() => pending);
    expect(result.current.rows).toEqual(["new0", "new1", "new2"]);
    expect(result.current.total).toBe(3);
  });

  it("after a change reads the rows shown again in one request and keeps the place", async () => {
    let tag = "a";
    const asked: [number, number][] = [];
    const read = (offset: number, limit: number) => {
      asked.push([offset, limit]);
      return source(1000, tag).read(offset, limit);
    };
    let toTop = 0;
    const { result, rerender } = renderHook(({ revision }) => useScrolled(read, "all", revision, () => {}, () => toTop++), { initialProps: { revision: 0 } });
    await waitFor(() => expect(result.current.rows).toHaveLength(CHUNK));
    expect(toTop).toBe(1);
    await act(() => result.current.more());
    tag = "b";
    rerender({ revision: 1 });
    await waitFor(() => expect(result.current.rows[0]).toBe("b0"));
    expect(result.current.rows).toHaveLength(2 * CHUNK);
    expect(asked.at(-1)).toEqual([0, 2 * CHUNK]);
    // Not a new list: it does not go back to the top.
    expect(toTop).toBe(1);
  });
});
