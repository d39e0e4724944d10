import { describe, expect, it } from "vitest";
import { latest, pacer, STALE, TYPING_PAUSE_MS } from "./latest";

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

describe("pacer", () => {
  it("asks at once after a pause and waits for typing to pause while letters come quickly", () => {
    let clock = 1000;
    const wait = pacer(() => clock);
    expect(wait()).toBe(0); // the first letter, or a click
    clock += 20;
    expect(wait()).toBe(TYPING_PAUSE_MS); // the next letter 20 ms later
    clock += 30;
    expect(wait()).toBe(TYPING_PAUSE_MS); // and the next
    clock += 400;
    expect(wait()).toBe(0); // a page turned after a while
    clock += TYPING_PAUSE_MS;
    expect(wait()).toBe(0); // exactly a pause later
  });
});
