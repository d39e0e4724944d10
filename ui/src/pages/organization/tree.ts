// Pure helpers for the department tree: building it and turning a drop into a core move.
import type { Department } from "../../api";

export interface DeptNode {
  key: number;
  dept: Department;
  children: DeptNode[];
}

/** Nests the core's flat list (already in tree order). */
export function buildTree(depts: Department[]): DeptNode[] {
  const nodes = new Map<number, DeptNode>();
  const roots: DeptNode[] = [];
  for (const d of depts) nodes.set(d.id, { key: d.id, dept: d, children: [] });
  for (const d of depts) {
    const node = nodes.get(d.id)!;
    const parent = d.parent_id === null ? undefined : nodes.get(d.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  const byOrder = (list: DeptNode[]) => {
    list.sort((a, b) => a.dept.order - b.dept.order);
    list.forEach((n) => byOrder(n.children));
  };
  byOrder(roots);
  return roots;
}

/** `id` and every department below it. */
export function subtreeIds(depts: Department[], id: number): Set<number> {
  const ids = new Set([id]);
  for (const d of depts) if (d.parent_id !== null && ids.has(d.parent_id)) ids.add(d.id);
  return ids;
}

export function siblings(depts: Department[], parent: number | null): Department[] {
  return depts.filter((d) => d.parent_id === parent).sort((a, b) => a.order - b.order);
}

/** Departments expanded at first: all of a small tree, the top two levels of a big one. */
export function initialExpanded(depts: Department[]): number[] {
  return depts.filter((d) => d.child_count > 0 && (depts.length <= 200 || d.depth <= 2)).map((d) => d.id);
}

export type DropMode = "inside" | "before" | "after";

/**
 * What the antd Tree drop event means. rc-tree has already resolved the target: a drop on an
 * expanded parent arrives as "inside" (not in a gap), and a drop dragged left past the last child
 * of a branch arrives as "after" that branch's ancestor. So: not in a gap → inside; otherwise the
 * position relative to the target says before or after.
 */
export function dropMode(info: { dropToGap: boolean; dropPosition: number; nodePos: string }): DropMode {
  if (!info.dropToGap) return "inside";
  const relative = info.dropPosition - Number(info.nodePos.split("-").at(-1));
  return relative === -1 ? "before" : "after";
}

/**
 * The core move (new parent, position among the new siblings once the department has left its
 * old place) for dropping `dragId` relative to `targetId`.
 */
export function computeDrop(depts: Department[], dragId: number, targetId: number, mode: DropMode): { parent: number | null; position: number } {
  const target = depts.find((d) => d.id === targetId);
  if (!target) throw new Error(`unknown department ${targetId}`);
  if (mode === "inside") return { parent: targetId, position: 0 };
  const parent = target.parent_id;
  const others = siblings(depts, parent).filter((d) => d.id !== dragId);
  const index = others.findIndex((d) => d.id === targetId);
  return { parent, position: mode === "before" ? index : index + 1 };
}

/** The tree as a TreeSelect's data, each department's value its full path. */
export function departmentTreeData(depts: Department[]): DeptTreeOption[] {
  const toData = (nodes: DeptNode[]): DeptTreeOption[] => nodes.map((n) => ({ value: n.dept.path, title: n.dept.name, key: n.key, children: toData(n.children) }));
  return toData(buildTree(depts));
}

export interface DeptTreeOption {
  value: string;
  title: string;
  key: string | number;
  children: DeptTreeOption[];
}
