import { describe, expect, it } from "vitest";
import { after, latest, pacer, STALE, TYPING_PAUSE_MS } from "./latest";

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
  it("waits for typing to pause only while letters come quickly and an answer is awaited", () => {
    let clock = 1000;
    const wait = pacer(() => clock);
    expect(wait(false)).toBe(0); // the first letter, or a click
    clock += 20;
    expect(wait(true)).toBe(TYPING_PAUSE_MS); // the next letter 20 ms later, the first still unanswered
    clock += 30;
    expect(wait(true)).toBe(TYPING_PAUSE_MS); // and the next
    clock += 20;
    expect(wait(false)).toBe(0); // quickly again, but everything asked is answered: no reason to wait
    clock += 400;
    expect(wait(true)).toBe(0); // a page turned after a while
    clock += TYPING_PAUSE_MS;
    expect(wait(true)).toBe(0); // exactly a pause later
  });
});

describe("after", () => {
  it("runs a task without a wait in the same call, and one with a wait later unless cancelled", async () => {
    const ran: string[] = [];
    after(0, () => ran.push("now"));
    expect(ran).toEqual(["now"]);
    after(5, () => ran.push("later"));
    const cancel = after(5, () => ran.push("cancelled"));
    cancel();
    expect(ran).toEqual(["now"]);
    await new Promise((r) => setTimeout(r, 30));
    expect(ran).toEqual(["now", "later"]);
  });
});
