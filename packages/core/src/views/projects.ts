/**
 * The tab's grouping: instances by the project they serve (their io.dockbase.project labels), each with the
 * branch its running copies serve; instances of no project stay on their own. And what the tab's Up and
 * Down of a project start and stop (the tab cannot read the project's folder or its git branch: it goes by
 * the labels alone).
 */
import { isActive, type Instance } from '../model/instance';
import { compareByName } from '../model/order';

export interface ProjectGroup {
  name: string;
  path: string;
  /** Every instance of the project, its branches' copies included, by name. */
  instances: Instance[];
  /** One entry per declared instance (its key): its copies, and the one that serves now. */
  families: ProjectFamily[];
  /** The branches the running copies serve (empty: the project's own instances, or nothing runs). */
  servedBranches: string[];
}

export interface ProjectFamily {
  /** The declared instance's key (`orders` of `shop-orders`). */
  key: string;
  copies: Instance[];
  /** The copy that runs now; undefined when none runs. */
  serving?: Instance;
}

/** The key of a project's instance: its name without the project's prefix and without a branch's suffix (`--…`). */
export function familyKey(instance: Pick<Instance, 'name' | 'project'>): string {
  const name =
    instance.project && instance.name.startsWith(`${instance.project.name}-`) ? instance.name.slice(instance.project.name.length + 1) : instance.name;
  return name.split('--')[0] ?? name;
}

/** Projects (by name and folder), sorted by name, and the instances of no project. */
export function groupByProject(instances: readonly Instance[]): { projects: ProjectGroup[]; loose: Instance[] } {
  const groups = new Map<string, Instance[]>();
  const loose: Instance[] = [];
  for (const i of instances) {
    if (!i.project) {
      loose.push(i);
      continue;
    }
    const id = `${i.project.name}\n${i.project.path}`;
    groups.set(id, [...(groups.get(id) ?? []), i]);
  }
  const projects = [...groups.values()].map((list): ProjectGroup => {
    const sorted = [...list].sort(compareByName);
    const byKey = new Map<string, Instance[]>();
    for (const i of sorted) byKey.set(familyKey(i), [...(byKey.get(familyKey(i)) ?? []), i]);
    const families = [...byKey].map(([key, copies]) => {
      const serving = copies.find(isActive);
      return { key, copies, ...(serving ? { serving } : {}) };
    });
    const servedBranches = [...new Set(families.map((f) => f.serving?.project?.branch).filter((b): b is string => Boolean(b)))];
    const first = sorted[0]?.project ?? { name: '', path: '' };
    return { name: first.name, path: first.path, instances: sorted, families, servedBranches };
  });
  projects.sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  return { projects, loose };
}

/**
 * What the tab's Up starts: for each declared instance with no copy running, the copy of the branch the
 * project's running copies serve (when it has one), else the project's own. A family that runs is left as it
 * is; two copies on one port are never started together.
 */
export function projectUpTargets(group: ProjectGroup): Instance[] {
  const branch = group.servedBranches.length === 1 ? group.servedBranches[0] : undefined;
  return group.families.flatMap((f) => {
    if (f.serving) return [];
    const pick = (branch ? f.copies.find((c) => c.project?.branch === branch) : undefined) ?? f.copies.find((c) => !c.project?.branch);
    return pick ? [pick] : [];
  });
}

/** What the tab's Down stops: every copy of the project that runs (or is paused). */
export function projectDownTargets(group: ProjectGroup): Instance[] {
  return group.instances.filter(isActive);
}
