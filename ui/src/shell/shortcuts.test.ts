import { describe, expect, it } from "vitest";
import { historyShortcut } from "./shortcuts";

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}, tag = "DIV") => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  target: Object.assign(document.createElement(tag), {}),
});

describe("undo/redo shortcuts", () => {
  it("map Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y and Cmd+Z", () => {
    expect(historyShortcut(key("z", { ctrl: true }))).toBe("undo");
    expect(historyShortcut(key("Z", { ctrl: true, shift: true }))).toBe("redo");
    expect(historyShortcut(key("y", { ctrl: true }))).toBe("redo");
    expect(historyShortcut(key("z", { meta: true }))).toBe("undo");
  });

  it("leave other keys and text fields alone", () => {
    expect(historyShortcut(key("z"))).toBeNull();
    expect(historyShortcut(key("s", { ctrl: true }))).toBeNull();
    expect(historyShortcut(key("z", { ctrl: true }, "INPUT"))).toBeNull();
    expect(historyShortcut(key("z", { ctrl: true }, "TEXTAREA"))).toBeNull();
  });
});
