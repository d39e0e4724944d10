// Plain stand-ins for antd's Tag and icons where a list draws many of them at once (the member
// table's rows): each antd Tag runs about 20 hooks and each antd icon draws 7 components, which
// every page of rows and every search keystroke paid for.
import type { IconDefinition } from "@ant-design/icons-svg/lib/types";

/** An antd icon's drawing (from `@ant-design/icons-svg`) as a bare `<svg>`, sized like antd's. */
export function PlainIcon({ icon }: { icon: IconDefinition }) {
  const svg = typeof icon.icon === "function" ? icon.icon("currentColor", "#e6f4ff") : icon.icon;
  return (
    <svg viewBox={svg.attrs.viewBox as string} width="1em" height="1em" fill="currentColor" aria-hidden="true" focusable="false" data-icon={icon.name}>
      {(svg.children ?? []).map((c, i) => (
        <path key={i} d={c.attrs.d as string} />
      ))}
    </svg>
  );
}

/** The tag colours the member table uses, drawn as antd's preset tags are (styles.css). */
export type TagColor = "gold" | "orange" | "green" | "blue" | "purple" | "default";

export function PlainTag({ color, title, children }: { color: TagColor; title?: string; children: React.ReactNode }) {
  return (
    <span className={`plain-tag plain-tag-${color}`} title={title}>
      {children}
    </span>
  );
}
