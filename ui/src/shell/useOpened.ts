import { useState } from "react";

/**
 * Whether `open` has been true at least once. A dialog is first drawn when first opened, then
 * kept (for its closing animation and its form): drawn closed with every page, a large form
 * (the member form's department tree, its date picker, its selects…) made opening the page
 * slower and its memory larger for nothing.
 */
export function useOpened(open: boolean): boolean {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  return opened || open;
}
