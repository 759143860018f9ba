import type { Engine } from './api.js';

export type { Engine };

/** The database engines Dockbase manages; each is also the name of its official Docker Hub image. */
export const ENGINES = ['postgres', 'mysql', 'mariadb', 'mongo', 'redis'] as const satisfies readonly Engine[];
