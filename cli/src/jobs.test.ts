import { describe, expect, it } from 'vitest';
import { ENGINE_AWAY_STEP, type Job } from '@dockbase/core';
import { progressLine } from './jobs';

const job = (step: string): Job => ({
  id: 'j1',
  kind: 'edit',
  instanceId: 'i1',
  instanceName: 'cache',
  engine: 'redis',
  title: 'Change settings',
  by: 'cli',
  startedAt: '2026-12-06T12:00:00.000Z',
  state: 'running',
  progress: { step },
  cancellable: false,
});

describe('a job’s progress line', () => {
  it('says in words that the job waits for the Docker engine, whatever the command, instead of the raw step', () => {
    const own = (j: Job) => `Changing cache: ${j.progress.step ?? 'starting'}…`;
    expect(progressLine(job(ENGINE_AWAY_STEP), own)).toBe('Change settings (cache): waiting for the Docker engine to come back…');
    expect(progressLine(job('create'), own)).toBe('Changing cache: create…');
  });
});
