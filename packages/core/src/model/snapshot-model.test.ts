import { describe, expect, it } from 'vitest';
import { freeSnapshotName, snapshotNameTaken } from './snapshot-model';

const taken = [
  { id: 'aaaaaaaaaaaa', name: 'before migration', instanceName: 'app-db', createdAt: '2026-11-25T18:00:00.000Z' },
  { id: 'bbbbbbbbbbbb', name: 'before import 20261125-180000', instanceName: 'app-db', createdAt: '2026-11-25T18:00:00.000Z' },
  { id: 'cccccccccccc', name: 'before import 20261125-180000 2', instanceName: 'app-db', createdAt: '2026-11-25T18:00:01.000Z' },
];

describe('snapshot names, unique per instance', () => {
  it('refuse a taken name, naming the snapshot that has it', () => {
    expect(snapshotNameTaken('before migration', taken)).toBe(
      'app-db already has a snapshot named "before migration" (id aaaaaaaaaaaa, taken 2026-11-25 18:00:00Z). Choose another name, or delete that snapshot first.',
    );
    expect(snapshotNameTaken('Before migration', taken)).toBeUndefined();
    expect(snapshotNameTaken('before migration', [])).toBeUndefined();
  });

  it('give a name Dockbase makes a suffix when it is taken, within the 63 characters a name may have', () => {
    expect(freeSnapshotName('before restore 20261125-180000', taken)).toBe('before restore 20261125-180000');
    expect(freeSnapshotName('before migration', taken)).toBe('before migration 2');
    expect(freeSnapshotName('before import 20261125-180000', taken)).toBe('before import 20261125-180000 3');
    const long = `before upgrade to ${'9'.repeat(45)}`;
    expect(long).toHaveLength(63);
    const free = freeSnapshotName(long, [{ name: long }]);
    expect(free).toHaveLength(63);
    expect(free.endsWith(' 2')).toBe(true);
  });
});
