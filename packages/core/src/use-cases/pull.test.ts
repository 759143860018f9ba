import { describe, expect, it } from 'vitest';
import { PullTracker, parseLayerLine, pullError } from './pull';

const CLASSIC = [
  '17: Pulling from library/postgres',
  'a3ed95caeb02: Already exists',
  'b1c2d3e4f5a6: Pulling fs layer',
  'c1d2e3f4a5b6: Pulling fs layer',
  'c1d2e3f4a5b6: Waiting',
  'b1c2d3e4f5a6: Verifying Checksum',
  'b1c2d3e4f5a6: Download complete',
  'b1c2d3e4f5a6: Extracting',
  'b1c2d3e4f5a6: Pull complete',
  'c1d2e3f4a5b6: Download complete',
  'c1d2e3f4a5b6: Pull complete',
  'Digest: sha256:' + 'f'.repeat(64),
  'Status: Downloaded newer image for postgres:17',
  'docker.io/library/postgres:17',
];

describe('PullTracker', () => {
  it('follows each layer of a classic pull to the end', () => {
    const t = new PullTracker();
    const snapshots = [];
    for (const line of CLASSIC) if (t.feed(line)) snapshots.push(t.snapshot());
    expect(snapshots[0]).toMatchObject({ done: 1, total: 1 });
    expect(snapshots.find((s) => s.total === 3 && s.done === 1)?.layers).toEqual([
      { id: 'a3ed95caeb02', state: 'exists' },
      { id: 'b1c2d3e4f5a6', state: 'waiting' },
      { id: 'c1d2e3f4a5b6', state: 'waiting' },
    ]);
    expect(t.snapshot()).toEqual({
      layers: [
        { id: 'a3ed95caeb02', state: 'exists' },
        { id: 'b1c2d3e4f5a6', state: 'complete' },
        { id: 'c1d2e3f4a5b6', state: 'complete' },
      ],
      done: 3,
      total: 3,
      status: 'downloaded',
      digest: 'sha256:' + 'f'.repeat(64),
    });
  });

  it('understands the containerd image store’s words', () => {
    const t = new PullTracker();
    for (const l of ['aaaaaaaaaaaa: Resolving', 'aaaaaaaaaaaa: Downloading', 'bbbbbbbbbbbb: Exists', 'aaaaaaaaaaaa: Extracting', 'aaaaaaaaaaaa: Done'])
      t.feed(l);
    expect(t.snapshot()).toMatchObject({ done: 2, total: 2 });
  });

  it('never moves a finished layer back', () => {
    const t = new PullTracker();
    t.feed('aaaaaaaaaaaa: Pull complete');
    expect(t.feed('aaaaaaaaaaaa: Verifying Checksum')).toBe(false);
    expect(t.snapshot().layers).toEqual([{ id: 'aaaaaaaaaaaa', state: 'complete' }]);
  });

  it('says when the image was already up to date', () => {
    const t = new PullTracker();
    t.feed('Status: Image is up to date for redis:8.2');
    expect(t.snapshot()).toEqual({ layers: [], done: 0, total: 0, status: 'up-to-date' });
  });

  it('ignores lines that are not layer events', () => {
    expect(parseLayerLine('17: Pulling from library/postgres')).toBeUndefined();
    expect(parseLayerLine('docker.io/library/postgres:17')).toBeUndefined();
  });
});

describe('pullError', () => {
  it.each([
    ['Error response from daemon: manifest for postgres:99 not found: manifest unknown: manifest unknown', 'image-not-found'],
    ["Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login'", 'image-not-found'],
    ['Error response from daemon: toomanyrequests: You have reached your pull rate limit.', 'pull-rate-limited'],
    ['Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host', 'network'],
    ['Error response from daemon: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused', 'network'],
    ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 'engine-unavailable'],
    ['Error response from daemon: something else', 'command-failed'],
  ])('%s → %s', (stderr, code) => {
    expect(pullError('postgres:17', stderr).code).toBe(code);
  });
});
