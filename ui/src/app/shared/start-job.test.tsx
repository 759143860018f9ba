import { describe, expect, it } from 'vitest';
import { DockbaseError, type Job, type JobRequest, type JobsService } from '@dockbase/core';
import { BackendError } from '../../backend-client/client';
import { createQueryClient } from './queries';
import { startJob } from './useJobs';

const request: JobRequest = { kind: 'stop', instanceId: 'a1b2c3d4e5f6' };
const running = (over: Partial<Job> = {}): Job => ({
  id: '0123456789ab',
  kind: 'stop',
  instanceId: 'a1b2c3d4e5f6',
  instanceName: 'cache',
  engine: 'redis',
  title: 'Stop',
  by: 'tab',
  startedAt: new Date().toISOString(),
  state: 'running',
  progress: {},
  cancellable: false,
  ...over,
});
const lost = () => new BackendError('unavailable', 'cannot reach the Dockbase host: Failed to fetch', 503);

describe('starting a job over a network that drops requests (Chromium’s ERR_NETWORK_CHANGED as docker adds and removes interfaces)', () => {
  it('asks again when a request got no answer', async () => {
    const answers: Array<() => Promise<Job>> = [() => Promise.reject(lost()), () => Promise.resolve(running())];
    const jobs: Pick<JobsService, 'start' | 'list'> = { start: () => answers.shift()!(), list: async () => [] };
    const { job } = await startJob(createQueryClient(), jobs, request);
    expect(job.id).toBe('0123456789ab');
    expect(answers).toEqual([]);
  });

  it('follows the job its first request did start, when asking again finds the instance held by it', async () => {
    const answers: Array<() => Promise<Job>> = [() => Promise.reject(lost()), () => Promise.reject(new DockbaseError('busy', 'cache is being stopped.'))];
    const jobs: Pick<JobsService, 'start' | 'list'> = { start: () => answers.shift()!(), list: async () => [running()] };
    expect((await startJob(createQueryClient(), jobs, request)).job.id).toBe('0123456789ab');
  });

  it('still refuses what is held by another door, and gives up on a backend that never answers', async () => {
    const busy: Pick<JobsService, 'start' | 'list'> = {
      start: () => Promise.reject(new DockbaseError('busy', 'cache is being upgraded, started 12:03 from the command line.')),
      list: async () => [running({ kind: 'upgrade', by: 'cli' })],
    };
    await expect(startJob(createQueryClient(), busy, request)).rejects.toMatchObject({ code: 'busy' });
    let asked = 0;
    const gone: Pick<JobsService, 'start' | 'list'> = { start: () => (asked++, Promise.reject(lost())), list: async () => [] };
    await expect(startJob(createQueryClient(), gone, request)).rejects.toBeInstanceOf(BackendError);
    expect(asked).toBe(8);
  });
});
