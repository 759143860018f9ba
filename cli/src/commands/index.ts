import { create } from './create';
import { edit } from './edit';
import { extensions } from './extensions';
import { list } from './list';
import { logs } from './logs';
import { branch, hook } from './branch';
import { down, env, init, up } from './project';
import { restart, start, stop } from './lifecycle';
import { restore } from './restore';
import { rm } from './rm';
import { snapshot } from './snapshot';
import { exportCommand, importCommand } from './transfer';
import { ui } from './ui';
import { url } from './url';
import { rollback, upgrade } from './upgrade';
import { migrate } from './migrate';
import type { CommandModule } from './command';

/** Every command, in the order `dockbase --help` lists them. */
export const COMMANDS: readonly CommandModule[] = [
  list,
  create,
  start,
  stop,
  restart,
  rm,
  edit,
  extensions,
  logs,
  url,
  snapshot,
  restore,
  exportCommand,
  importCommand,
  upgrade,
  rollback,
  init,
  up,
  down,
  env,
  branch,
  hook,
  migrate,
  ui,
];
