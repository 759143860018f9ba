import {
  DockbaseError,
  count,
  extensionsText,
  formatBytes,
  flavourTarget,
  flavouredName,
  getEngine,
  getFlavour,
  planUpgrade,
  rollbackPointFor,
  upgradeTargets,
  type JobProgress,
  type RollbackResult,
  type UpgradePlan,
  type UpgradeResult,
} from '@dockbase/core';
import { runJob } from '../jobs';
import { confirmOrYes } from '../confirm';
import { findInstance } from '../instances';
import { formatTable, printJson } from '../output';
import { snapshotJson } from '../snapshots';
import { JSON_OPTION, type CommandModule } from './command';

/** What a finished upgrade says: the new version, the rows checked ("1 table"), the rollback point. */
export function upgradedText(
  name: string,
  engine: string,
  result: Pick<UpgradeResult, 'serverVersion' | 'verified' | 'from' | 'rollbackPoint' | 'extensions'>,
): string {
  const extensions = extensionsText(result.extensions);
  const checked =
    (result.verified ? ` (${count(result.verified.tables, 'table')}, ${count(result.verified.rows, 'row')} checked)` : '') +
    (extensions ? `, with its extensions ${extensions}` : '');
  return `${name} now runs ${engine} ${result.serverVersion}${checked}. Its data from ${result.from} is kept as the rollback point "${result.rollbackPoint.name}": dockbase rollback ${name}.`;
}

/** One line per step of the plan, as the tab's dialog lists them. */
function stepText(plan: UpgradePlan, p: JobProgress): string {
  const label = plan.steps.find((s) => s.id === p.step)?.label ?? p.step ?? 'Starting';
  if (p.pull && p.pull.total > 0) return `${label}: ${p.pull.done}/${p.pull.total} layers`;
  if (p.bytes !== undefined) return `${label}: ${formatBytes(p.bytes)}${p.totalBytes ? ` of about ${formatBytes(p.totalBytes)}` : ''}`;
  return `${label}…`;
}

/** `dockbase upgrade NAME [VERSION]`: the versions it can go to, or the upgrade itself (the tab's Upgrade). */
export const upgrade: CommandModule = {
  register(program, app) {
    program
      .command('upgrade')
      .description('move an instance to a newer version with its data; without VERSION, list the versions it can go to')
      .argument('<name>', 'the instance')
      .argument('[version]', 'the new version (an image tag, e.g. 17)')
      .option('-y, --yes', 'do not ask (needed without a terminal)')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
What happens depends on the engine (the plan is printed before anything starts): PostgreSQL copies every
database into a new data volume for the new major version and checks the rows of every table before it
switches; MySQL, MariaDB, MongoDB, Redis and Valkey keep a snapshot and start the new version on the same data.
The data from before stays as a rollback point: \`dockbase rollback NAME\` returns to it.
Ctrl-C before the switch-over leaves the instance as it was.`,
      )
      .action(async (name: string, version: string | undefined, options: { yes?: boolean; json?: boolean }) => {
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        const engine = getEngine(instance.engine);
        if (version === undefined) {
          // A flavour's instance goes to its flavour's tags (PostGIS 15 → PostGIS's 17 image).
          const flavour = instance.flavour ? getFlavour(instance.flavour) : undefined;
          const targets = upgradeTargets(instance, (flavour ?? engine).suggestedTags);
          if (options.json)
            return printJson(
              app.io.stdout,
              targets.map((t) => ({ version: t.to, method: t.method, ...(t.refusal ? { refusal: t.refusal } : {}) })),
            );
          if (targets.length === 0) {
            app.io.stdout.write(
              `${instance.name} runs ${flavouredName(engine.displayName, instance.flavour)} ${instance.tag}; Dockbase knows no newer version. Name one: dockbase upgrade ${instance.name} VERSION.\n`,
            );
            return;
          }
          app.io.stdout.write(
            formatTable(
              ['VERSION', 'HOW', 'NOTE'],
              targets.map((t) => [t.to, t.method, t.refusal ?? '']),
            ),
          );
          return;
        }
        // A bare major version names the flavour's image of it ("17" for PostGIS: 17-3.5).
        const flavour = instance.flavour ? getFlavour(instance.flavour) : undefined;
        const plan = planUpgrade(instance, flavourTarget(instance.flavour, instance.tag, version, flavour?.suggestedTags));
        if (plan.refusal) throw new DockbaseError('invalid-input', plan.refusal, 'tag');
        app.io.stderr.write(`${plan.explanation}\n`);
        await confirmOrYes(
          app,
          options.yes,
          `upgrading ${instance.name} to ${plan.to}`,
          `Upgrade ${instance.name} from ${engine.displayName} ${plan.from} to ${plan.to}?`,
        );
        // A job: the tab shows it too, and no other door can change the instance meanwhile.
        const result = await runJob<UpgradeResult>(app, { kind: 'upgrade', instanceId: instance.id, to: plan.to }, (job) => stepText(plan, job.progress), {
          cancelling: 'Cancelling the upgrade (possible until the switch-over)…',
        });
        const json = {
          name: instance.name,
          from: result.from,
          to: result.to,
          method: result.method,
          serverVersion: result.serverVersion,
          rollbackPoint: snapshotJson(result.rollbackPoint),
          ...(result.verified ? { verified: result.verified } : {}),
          ...(result.extensions?.length ? { extensions: result.extensions } : {}),
        };
        if (options.json) return printJson(app.io.stdout, json);
        app.io.stdout.write(`${upgradedText(instance.name, engine.displayName, result)}\n`);
      });
  },
};

/** `dockbase rollback NAME`: back to the version and data from before the last upgrade (the tab's Roll back). */
export const rollback: CommandModule = {
  register(program, app) {
    program
      .command('rollback')
      .description('return an instance to the version and data from before its last upgrade')
      .argument('<name>', 'the instance')
      .option('-y, --yes', 'do not ask (needed without a terminal)')
      .option(...JSON_OPTION)
      .addHelpText('after', '\nThe data it holds now is kept as a "before rollback" snapshot; the rollback point is used up.')
      .action(async (name: string, options: { yes?: boolean; json?: boolean }) => {
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        const engine = getEngine(instance.engine);
        const point = rollbackPointFor(instance, await dockbase.upgrades.rollbackPoints(instance));
        if (!point)
          throw new DockbaseError(
            'not-found',
            `${instance.name} has no rollback point for ${engine.displayName} ${instance.tag}: it was not upgraded to it, or the point was deleted.`,
          );
        await confirmOrYes(
          app,
          options.yes,
          `rolling ${instance.name} back to ${point.tag}`,
          `Return ${instance.name} to ${engine.displayName} ${point.tag} and its data from before the upgrade (the data it holds now is kept as a snapshot)?`,
        );
        const result = await runJob<RollbackResult>(
          app,
          { kind: 'rollback', instanceId: instance.id, pointId: point.id },
          (job) => `Rolling back: ${job.progress.step ?? 'starting'}…`,
        );
        if (options.json)
          return printJson(app.io.stdout, {
            name: instance.name,
            from: result.from,
            to: result.to,
            serverVersion: result.serverVersion,
            kept: snapshotJson(result.kept),
          });
        app.io.stdout.write(
          `${instance.name} runs ${engine.displayName} ${result.serverVersion} again. The data it held on ${result.from} is kept as snapshot "${result.kept.name}".\n`,
        );
      });
  },
};
