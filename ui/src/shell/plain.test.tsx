import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import EditOutlined from "@ant-design/icons-svg/es/asn/EditOutlined";
import type { AbstractNode } from "@ant-design/icons-svg/lib/types";
import { PlainIcon, PlainTag } from "./plain";

afterEach(cleanup);

describe("plain stand-ins", () => {
  it("draws an antd icon's paths in a 1em svg", () => {
    const { container } = render(<PlainIcon icon={EditOutlined} />);
    const svg = container.querySelector("svg")!;
    expect(svg.getAttribute("viewBox")).toBe("64 64 896 896");
    expect(svg.getAttribute("width")).toBe("1em");
    const def = EditOutlined.icon as AbstractNode;
    expect([...svg.querySelectorAll("path")].map((p) => p.getAttribute("d"))).toEqual(def.children!.map((c) => c.attrs.d));
  });

  it("draws a tag in its colour with its hover text", () => {
    const { getByText } = render(
      <PlainTag color="purple" title="示例科技/销售部">
        负责人
      </PlainTag>,
    );
    const tag = getByText("负责人");
    expect(tag.className).toBe("plain-tag plain-tag-purple");
    expect(tag.getAttribute("title")).toBe("示例科技/销售部");
  });
});
