import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { usePaged, type Page } from "./usePaged";
import { TYPING_PAUSE_MS } from "./latest";

/** `n` numbered rows (tagged with the filter that found them), paged as the core pages them. */
function source() {
  const asked: [string, number, number][] = [];
  const answers: Array<() => void> = [];
  let held = false;
  const reader = (filter: string) => (offset: number, limit: number): Promise<Page<string>> => {
    asked.push([filter, offset, limit]);
    const page = { total: 500, members: Array.from({ length: limit }, (_, i) => `${filter}${offset + i}`) };
    if (!held) return Promise.resolve(page);
    return new Promise((resolve) => answers.push(() => resolve(page)));
  };
  return { reader, asked, answers, hold: (on: boolean) => (held = on) };
}

describe("usePaged", () => {
  it("a new filter asks once, for its first page, not for the page the old one was on", async () => {
    const { reader, asked } = source();
    const { result, rerender } = renderHook(({ filter }) => usePaged(reader(filter), filter, 0, () => {}), { initialProps: { filter: "a" } });
    await waitFor(() => expect(result.current.rows[0]).toBe("a0"));
    act(() => result.current.turn(3, 50));
    await waitFor(() => expect(result.current.rows[0]).toBe("a100"));
    rerender({ filter: "b" });
    await waitFor(() => expect(result.current.rows[0]).toBe("b0"));
    expect(result.current.page.current).toBe(1);
    expect(asked).toEqual([
      ["a", 0, 50],
      ["a", 100, 50],
      ["b", 0, 50],
    ]);
  });

  it("asks at once when everything asked is answered, waits for a pause while an answer is awaited, and drops the overtaken one", async () => {
    const { reader, asked, answers, hold } = source();
    const { result, rerender } = renderHook(({ filter }) => usePaged(reader(filter), filter, 0, () => {}), { initialProps: { filter: "z" } });
    await waitFor(() => expect(result.current.rows[0]).toBe("z0"));
    hold(true);
    // The next letter: the request goes out in the same render, before anything is drawn.
    rerender({ filter: "zw" });
    expect(asked.at(-1)).toEqual(["zw", 0, 50]);
    // One more letter at once, "zw" still unanswered: it waits for typing to pause.
    rerender({ filter: "zwe" });
    expect(asked).toHaveLength(2);
    await new Promise((r) => setTimeout(r, TYPING_PAUSE_MS + 20));
    expect(asked.at(-1)).toEqual(["zwe", 0, 50]);
    // "zwe" answers first; "zw", overtaken, is dropped.
    await act(async () => answers[1]());
    await act(async () => answers[0]());
    expect(result.current.rows[0]).toBe("zwe0");
  });
});
