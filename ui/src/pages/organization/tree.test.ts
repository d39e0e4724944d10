import { describe, expect, it } from "vitest";
import type { Department } from "../../api";
import { buildTree, computeDrop, dropMode, initialExpanded, subtreeIds } from "./tree";

let nextId = 1;
function dept(name: string, parent: Department | null, order: number): Department {
  return {
    id: nextId++,
    name,
    path: parent ? `${parent.path}/${name}` : name,
    parent_id: parent ? parent.id : null,
    order,
    depth: parent ? parent.depth + 1 : 1,
    member_count: 0,
    total_member_count: 0,
    child_count: 0,
    sensitive: false,
    visibility: { hidden: false, departments: [], members: [], only_own: false },
    customer_facing: false,
  };
}

// 公司 ─ 销售部 ─ 华东区
//      ├ 市场部
//      └ 研发部
const root = dept("公司", null, 0);
const sales = dept("销售部", root, 0);
const east = dept("华东区", sales, 0);
const market = dept("市场部", root, 1);
const rnd = dept("研发部", root, 2);
root.child_count = 3;
sales.child_count = 1;
const all = [root, sales, east, market, rnd];

describe("buildTree", () => {
  it("nests the flat list by parent and order", () => {
    const shuffled = [rnd, east, root, market, sales];
    const tree = buildTree(shuffled);
    expect(tree.map((n) => n.dept.name)).toEqual(["公司"]);
    expect(tree[0].children.map((n) => n.dept.name)).toEqual(["销售部", "市场部", "研发部"]);
    expect(tree[0].children[0].children.map((n) => n.dept.name)).toEqual(["华东区"]);
  });

  it("finds a subtree and expands small trees fully", () => {
    expect([...subtreeIds(all, sales.id)].sort()).toEqual([sales.id, east.id].sort());
    expect(initialExpanded(all).sort()).toEqual([root.id, sales.id].sort());
  });
});

describe("dragging a department", () => {
  it("reads antd's drop event", () => {
    // Dropped on the node itself.
    expect(dropMode({ dropToGap: false, dropPosition: 1, nodePos: "0-0-1" })).toBe("inside");
    // In the gap above / below the node.
    expect(dropMode({ dropToGap: true, dropPosition: 0, nodePos: "0-0-1" })).toBe("before");
    expect(dropMode({ dropToGap: true, dropPosition: 2, nodePos: "0-0-1" })).toBe("after");
    // Dragged left below the last child of an expanded branch: rc-tree targets the branch itself,
    // in the gap after it (a sibling of the branch, not its first child).
    expect(dropMode({ dropToGap: true, dropPosition: 2, nodePos: "0-0-1" })).toBe("after");
  });

  it("into another department makes it the first child", () => {
    expect(computeDrop(all, rnd.id, sales.id, "inside")).toEqual({ parent: sales.id, position: 0 });
  });

  it("before or after a sibling reorders, counting positions without the dragged one", () => {
    // 研发部 (last) before 销售部 (first) → position 0.
    expect(computeDrop(all, rnd.id, sales.id, "before")).toEqual({ parent: root.id, position: 0 });
    // 销售部 (first) after 研发部 (last) → last of the two others → position 2.
    expect(computeDrop(all, sales.id, rnd.id, "after")).toEqual({ parent: root.id, position: 2 });
    // 销售部 after 市场部 → between 市场部 and 研发部.
    expect(computeDrop(all, sales.id, market.id, "after")).toEqual({ parent: root.id, position: 1 });
  });

  it("next to a department of another parent moves it there", () => {
    expect(computeDrop(all, market.id, east.id, "after")).toEqual({ parent: sales.id, position: 1 });
    expect(computeDrop(all, east.id, root.id, "before")).toEqual({ parent: null, position: 0 });
  });
});
