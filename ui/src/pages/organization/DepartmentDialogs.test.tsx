import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { NameDialog } from "./DepartmentDialogs";

afterEach(cleanup);
// jsdom has no matchMedia (antd's Form grid asks it for breakpoints): nothing matches.
beforeAll(() => {
  window.matchMedia ??= (query: string) =>
    ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }) as MediaQueryList;
});

describe("NameDialog", () => {
  const props = { title: "重命名部门", initial: "销售部", onSubmit: async () => true, onClose: () => {} };

  it("draws nothing until first opened, then its form with the name to edit", async () => {
    const view = render(<NameDialog open={false} {...props} />);
    expect(document.querySelector('[data-testid="dept-name-input"]')).toBeNull();
    view.rerender(<NameDialog open {...props} />);
    const input = await screen.findByTestId("dept-name-input");
    await waitFor(() => expect((input as HTMLInputElement).value).toBe("销售部"));
  });

  it("keeps its form once opened (so it can close with its animation)", async () => {
    const view = render(<NameDialog open {...props} />);
    await screen.findByTestId("dept-name-input");
    view.rerender(<NameDialog open={false} {...props} />);
    expect(document.querySelector('[data-testid="dept-name-input"]')).not.toBeNull();
  });
});
