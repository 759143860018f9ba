import { describe, expect, it } from 'vitest';
import type { InstanceSpec } from './instance';
import { LABEL, claimedPort, containerLabels, instanceFromLabels, isOwnInstance, volumeLabels, volumeMismatch, type ContainerFacts } from './labels';

const facts: ContainerFacts = {
  containerId: 'c0ffee',
  containerName: 'from-docker',
  image: { image: 'docker-image', tag: 'docker-tag' },
  status: 'running',
  health: 'healthy',
  createdAt: '2026-11-25T18:00:00.000Z',
  statusText: 'Up 3 minutes (healthy)',
};

describe('the label schema', () => {
  const spec: InstanceSpec = {
    id: '0123456789ab',
    name: 'orders-db',
    engine: 'postgres',
    image: 'registry.example.com/mirror/postgres',
    tag: '17',
    hostPort: 55432,
    bindAddress: '0.0.0.0',
    volumes: ['dockbase-orders-db-data'],
  };

  it('reads back from the container labels exactly the instance they were written for', () => {
    const instance = instanceFromLabels(containerLabels(spec), facts);
    expect(instance).toEqual({
      ...spec,
      status: 'running',
      health: 'healthy',
      createdAt: facts.createdAt,
      containerId: 'c0ffee',
      statusText: facts.statusText,
    });
  });

  it('records the project and the branch an instance serves, so every door sees them', () => {
    const project = { name: 'shop', path: '/home/me/shop, the new one', branch: 'feature/x' };
    const labels = containerLabels({ ...spec, project });
    expect(labels).toMatchObject({ [LABEL.project]: 'shop', [LABEL.projectPath]: project.path, [LABEL.branch]: 'feature/x' });
    expect(instanceFromLabels(labels, facts)?.project).toEqual(project);
    expect(instanceFromLabels(containerLabels(spec), facts)?.project).toBeUndefined();
  });

  it('round-trips an instance without data volumes', () => {
    expect(instanceFromLabels(containerLabels({ ...spec, volumes: [] }), facts)?.volumes).toEqual([]);
  });

  it('does not read a container without Dockbase labels, or with an unknown engine, as an instance', () => {
    expect(instanceFromLabels({}, facts)).toBeUndefined();
    expect(instanceFromLabels({ [LABEL.instance]: 'x', [LABEL.engine]: 'oracle' }, facts)).toBeUndefined();
  });

  it('falls back to what docker says when older labels lack a field', () => {
    const instance = instanceFromLabels({ [LABEL.instance]: 'x', [LABEL.engine]: 'redis' }, { ...facts, status: 'exited', exitCode: 0 });
    expect(instance).toMatchObject({
      name: 'from-docker',
      image: 'docker-image',
      tag: 'docker-tag',
      bindAddress: '127.0.0.1',
      hostPort: 0,
      health: 'none',
      exitCode: 0,
    });
  });

  it('claims the port of a Dockbase container even while it is stopped, and nothing for others', () => {
    expect(claimedPort(containerLabels(spec))).toBe(55432);
    expect(claimedPort({ [LABEL.port]: '5432' })).toBeUndefined();
  });

  it('labels data volumes with their engine, version and mount', () => {
    expect(volumeLabels({ key: 'data', path: '/var/lib/mysql' }, { engine: 'mysql', tag: '8.4', instanceName: 'db', instanceId: '0123456789ab' })).toEqual({
      'io.dockbase.volume': 'data',
      'io.dockbase.engine': 'mysql',
      'io.dockbase.tag': '8.4',
      'io.dockbase.name': 'db',
      'io.dockbase.mount': '/var/lib/mysql',
      'io.dockbase.schema': '1',
      'io.dockbase.instance': '0123456789ab',
    });
  });

  it('records the data id on containers with volumes, and reads it back', () => {
    const labels = containerLabels({ ...spec, dataId: 'aaaaaaaaaaaa' });
    expect(labels[LABEL.data]).toBe('aaaaaaaaaaaa');
    expect(instanceFromLabels(labels, facts)?.dataId).toBe('aaaaaaaaaaaa');
    expect(containerLabels(spec)[LABEL.data]).toBeUndefined();
  });
});

describe('whose labels a container carries', () => {
  const mine = { [LABEL.instance]: '0123456789ab', [LABEL.engine]: 'postgres' };
  it('an instance label of its own makes an instance', () => {
    expect(isOwnInstance(mine, {})).toBe(true);
    // Dockbase's own labels override an image's: a fresh id differs from anything the image says.
    expect(isOwnInstance(mine, { [LABEL.instance]: 'x', [LABEL.engine]: 'postgres' })).toBe(true);
  });
  it('an instance label inherited from the image does not', () => {
    expect(isOwnInstance({ ...mine, [LABEL.instance]: 'x' }, { [LABEL.instance]: 'x' })).toBe(false);
    expect(isOwnInstance({ [LABEL.engine]: 'postgres' }, {})).toBe(false);
    expect(isOwnInstance({ ...mine, [LABEL.engine]: 'oracle' }, {})).toBe(false);
  });
});

describe('which volumes hold an instance’s data', () => {
  const instance = { id: '0123456789ab', name: 'db', engine: 'postgres' as const, dataId: '0123456789ab' };
  const volume = (labels: Record<string, string>, name = 'dockbase-db-data') => ({ name, labels });
  const good = volumeLabels(
    { key: 'data', path: '/var/lib/postgresql/data' },
    { engine: 'postgres', tag: '17', instanceName: 'db', instanceId: '0123456789ab' },
  );
  it('the volume must say so itself: key, engine, name, naming, and the data id', () => {
    expect(volumeMismatch(volume(good), instance)).toBeUndefined();
    expect(volumeMismatch(volume(good), { ...instance, id: 'ffffffffffff', dataId: '0123456789ab' })).toBeUndefined(); // reused data
    expect(volumeMismatch(volume({}, 'victim'), instance)).toMatch(/does not carry Dockbase's volume labels/);
    expect(volumeMismatch(volume(good, 'victim'), instance)).toMatch(/not labelled as db's postgres data/);
    expect(volumeMismatch(volume({ ...good, [LABEL.engine]: 'mysql' }), instance)).toMatch(/not labelled/);
    expect(volumeMismatch(volume({ ...good, [LABEL.name]: 'other' }), instance)).toMatch(/not labelled/);
    expect(volumeMismatch(volume({ ...good, [LABEL.instance]: 'ffffffffffff' }), instance)).toMatch(/another instance/);
  });
  it('a volume from before data ids is matched on the rest', () => {
    const { [LABEL.instance]: _id, ...legacy } = good;
    expect(volumeMismatch(volume(legacy), { ...instance, dataId: undefined })).toBeUndefined();
  });
});
