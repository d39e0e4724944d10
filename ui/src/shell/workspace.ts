import { createContext, useContext } from "react";
import type { WorkspaceInfo } from "../api";

export interface WorkspaceContextValue {
  info: WorkspaceInfo;
  /** Increases after every change to the workspace; pages refetch when it moves. */
  revision: number;
  /** Call after a successful change. */
  changed: () => void;
}

export const WorkspaceContext = createContext<WorkspaceContextValue | null>(null);

export function useWorkspace(): WorkspaceContextValue {
  const ctx = useContext(WorkspaceContext);
  if (!ctx) throw new Error("useWorkspace outside a workspace");
  return ctx;
}
