import type { Instance } from '@dockbase/core';

/** The project an instance serves, and the branch: "shop · branch feature/a" (under its name in the table, on its card). */
export function projectText(project: NonNullable<Instance['project']>): string {
  return `${project.name}${project.branch ? ` · branch ${project.branch}` : ''}`;
}
