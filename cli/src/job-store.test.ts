import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '@dockbase/core';
import { FileJobStore } from './job-store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-jobs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const job = (id: string, over: Partial<Job> = {}): Job => ({
  id,
  kind: 'upgrade',
  instanceId: 'abcdefabcdef',
  instanceName: 'orders',
  engine: 'postgres',
  title: 'Upgrade to PostgreSQL 17',
  by: 'cli',
  startedAt: new Date().toISOString(),
  state: 'running',
  progress: {},
  cancellable: true,
  ...over,
});

/** A job file written by a process that has ended (a killed CLI): its pid is one that no longer runs. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('the CLI’s job journal', () => {
  it('keeps a job, its marks in order and its end in a private file that survives the process', async () => {
    const store = new FileJobStore(dir);
    await store.insert(job('aaaaaaaaaaaa'));
    await store.mark('aaaaaaaaaaaa', { at: 'a', phase: 'begin', step: 'stop', undo: [{ do: 'start', container: 'c', instanceId: 'abcdefabcdef' }] });
    await store.mark('aaaaaaaaaaaa', { at: 'b', phase: 'end', step: 'stop' });
    const file = path.join(dir, 'jobs', 'aaaaaaaaaaaa.jsonl');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'jobs')).mode & 0o777).toBe(0o700);
    // This process still runs it: not for recovery.
    expect(await new FileJobStore(dir).unfinished()).toEqual([]);
    await store.finish('aaaaaaaaaaaa', { state: 'succeeded', endedAt: new Date().toISOString() });
    const [ended] = await new FileJobStore(dir).recent();
    expect(ended).toMatchObject({ id: 'aaaaaaaaaaaa', state: 'succeeded', cancellable: false });
  });

  it('hands the job of a CLI that died to the next run, with its marks, even when its last line was cut short', async () => {
    const jobs = path.join(dir, 'jobs');
    fs.mkdirSync(jobs, { recursive: true });
    const lines = [
      { type: 'job', job: job('bbbbbbbbbbbb'), pid: deadPid(), host: os.hostname() },
      { type: 'mark', mark: { at: 'a', phase: 'begin', step: 'prepare', undo: [{ do: 'remove-workers', instanceName: 'orders', runId: 'r1' }] } },
    ];
    fs.writeFileSync(path.join(jobs, 'bbbbbbbbbbbb.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"type":"mark","mark":{"at":`);
    const [unfinished] = await new FileJobStore(dir).unfinished();
    expect(unfinished?.job.id).toBe('bbbbbbbbbbbb');
    expect(unfinished?.marks).toEqual([lines[1]!.mark]);
  });

  it('refuses a job id that could name another file', async () => {
    await expect(new FileJobStore(dir).insert(job('../../etc/x'))).rejects.toThrow(/not a job id/);
  });
});
