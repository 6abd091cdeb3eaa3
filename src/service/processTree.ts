/** A process as far as tree membership is concerned. */
export interface ProcessLink {
  pid: number;
  ppid: number;
  /** Process group; null where the source does not say (ps fallback). */
  pgrp: number | null;
}

/**
 * The service's processes: the root, everything descended from it, and everything still in its
 * process group (a grandchild whose parent died is reparented to init but keeps the group), plus
 * their descendants. Pure, so it can be checked on a made-up process table.
 */
export function serviceTreePids(rootPid: number, processes: readonly ProcessLink[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of processes) {
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p.pid]);
    else list.push(p.pid);
  }
  const known = new Set(processes.map((p) => p.pid));
  const seeds = [rootPid, ...processes.filter((p) => p.pgrp === rootPid).map((p) => p.pid)];
  const found = new Set<number>();
  const stack = seeds.filter((pid) => known.has(pid));
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (found.has(pid)) continue;
    found.add(pid);
    for (const child of children.get(pid) ?? []) stack.push(child);
  }
  return [...found].sort((a, b) => a - b);
}
