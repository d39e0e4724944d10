import { describe, expect, it } from "vitest";
import { latest, STALE } from "./latest";

/** A promise resolved (or rejected) by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("latest", () => {
  it("drops an older answer that arrives after a newer one", async () => {
    const run = latest();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = run(slow.promise);
    const second = run(fast.promise);
    fast.resolve("zw");
    slow.resolve("z");
    expect(await second).toBe("zw");
    expect(await first).toBe(STALE);
  });

  it("keeps answers that arrive in order until a newer request starts", async () => {
    const run = latest();
    expect(await run(Promise.resolve(1))).toBe(1);
    expect(await run(Promise.resolve(2))).toBe(2);
  });

  it("reports the newest request's error but not a stale one's", async () => {
    const run = latest();
    const old = deferred<number>();
    const first = run(old.promise);
    const second = run(Promise.reject(new Error("bad")));
    old.reject(new Error("old"));
    expect(await first).toBe(STALE);
    await expect(second).rejects.toThrow("bad");
  });

  it("keeps separate request streams apart", async () => {
    const a = latest();
    const b = latest();
    const pa = a(Promise.resolve("a"));
    const pb = b(Promise.resolve("b"));
    expect([await pa, await pb]).toEqual(["a", "b"]);
  });
});
