import { describe, expect, it } from 'vitest';
import { FLAVOURS, flavourMajor, flavourTagFor, flavourTags, flavoursOf, getEngine, getFlavour, tagVersion } from './index';
import { validateCreateInput, type CreateInstanceInput } from '../model/validation';
import { containerLabels, instanceFromLabels, snapshotFromLabels, snapshotManifestLabels, volumeLabels, volumeOwner } from '../model/labels';
import { extensionsText, planUpgrade, upgradeTargets } from '../use-cases/upgrade-plan';
import { extensionDifferences, extensionVersions } from '../use-cases/upgrade-dump-restore';

const pg = getEngine('postgres');

describe('the flavour catalog', () => {
  it('offers pgvector, PostGIS and TimescaleDB for PostgreSQL, each from its own image, and none for the other engines', () => {
    expect(flavoursOf('postgres').map((f) => [f.id, f.displayName, f.image, f.defaultTag])).toEqual([
      ['pgvector', 'pgvector', 'pgvector/pgvector', 'pg17'],
      ['postgis', 'PostGIS', 'postgis/postgis', '17-3.5'],
      ['timescaledb', 'TimescaleDB', 'timescale/timescaledb', 'latest-pg17'],
    ]);
    expect(flavoursOf('mysql')).toEqual([]);
    expect(getFlavour('pgvector')?.extensions).toEqual(['vector']);
    expect(getFlavour('nope')).toBeUndefined();
  });

  it.each(FLAVOURS.map((f) => [f.id, f] as const))('%s: its tags are its own, and each names the PostgreSQL major the engine reads from it', (_id, f) => {
    expect(f.suggestedTags).toContain(f.defaultTag);
    for (const tag of f.suggestedTags) {
      expect(flavourMajor(f, tag)).toBeGreaterThanOrEqual(14);
      // The engine reads the same major from it: its data folder and upgrade rules follow.
      expect(tagVersion(pg, tag)?.[0]).toBe(flavourMajor(f, tag));
    }
    expect(flavourMajor(f, 'latest')).toBeUndefined();
  });

  it.each([
    ['pgvector', ['pg17', '0.8.0-pg17', '0.8.0-pg17-bookworm', 'pg16'], ['17', 'latest', '17-3.5', 'pg']],
    ['postgis', ['17-3.5', '15-3.3', '17-3.5-alpine', '16-3.4.3'], ['17', 'pg17', 'latest', '17-master']],
    ['timescaledb', ['latest-pg17', '2.17.2-pg17', '2.17.2-pg16-oss'], ['pg17', '17', 'latest']],
  ])('%s takes its tags and no others', (id, yes, no) => {
    const f = getFlavour(id)!;
    expect(flavourTags(f, [...yes, ...no])).toEqual(yes);
  });

  it('names the tag of another major in the shape of the current one, from the tags known', () => {
    const postgis = getFlavour('postgis')!;
    expect(flavourTagFor(postgis, '15-3.3', 17, ['15-3.3', '17-3.4', '17-3.5', '17-3.5-alpine'])).toBe('17-3.5');
    expect(flavourTagFor(postgis, '15-3.3-alpine', 17, ['17-3.5', '17-3.5-alpine'])).toBe('17-3.5-alpine');
    expect(flavourTagFor(getFlavour('pgvector')!, 'pg16', 17)).toBe('pg17');
    expect(flavourTagFor(getFlavour('timescaledb')!, 'latest-pg16', 17)).toBe('latest-pg17');
    expect(flavourTagFor(getFlavour('pgvector')!, 'pg16', 21)).toBe('pg21');
  });

  it('keeps a flavour tag’s data where that PostgreSQL keeps it (pg17: /var/lib/postgresql/data; pg18: /var/lib/postgresql)', () => {
    expect(pg.dataMounts('pg17')).toEqual([{ key: 'data', path: '/var/lib/postgresql/data' }]);
    expect(pg.dataMounts('0.8.0-pg18')).toEqual([{ key: 'data', path: '/var/lib/postgresql' }]);
    expect(pg.dataMounts('15-3.3')).toEqual([{ key: 'data', path: '/var/lib/postgresql/data' }]);
    expect(pg.canReuseData('pg17', '17')).toBe(true);
    expect(pg.canReuseData('latest-pg16', 'latest-pg17')).toBe(false);
  });
});

describe('creating with a flavour', () => {
  const input: CreateInstanceInput = {
    engine: 'postgres',
    name: 'vec',
    tag: 'pg17',
    flavour: 'pgvector',
    hostPort: 5432,
    password: 'secret',
    persistData: true,
    exposeOnNetwork: false,
  };

  it('accepts the flavour’s tags, also from another repository (a mirror of its image)', () => {
    expect(validateCreateInput(input)).toEqual({});
    expect(validateCreateInput({ ...input, image: '127.0.0.1:5000/dockbase-test/pgvector-debian' })).toEqual({});
  });

  it('refuses a flavour the engine does not have, and a tag that is not the flavour’s, saying what is', () => {
    expect(validateCreateInput({ ...input, flavour: 'pgvectr' })).toEqual({
      flavour: '“pgvectr” is not a flavour of PostgreSQL: choose pgvector, postgis, timescaledb, or none for the plain server.',
    });
    expect(validateCreateInput({ ...input, engine: 'redis', tag: '7', password: 'x' }).flavour).toBe('Redis has no flavours: leave the flavour out.');
    expect(validateCreateInput({ ...input, tag: '17' })).toEqual({
      tag: 'pgvector images are tagged like pg17 (pgNN for PostgreSQL NN): “17” is not one of them.',
    });
  });

  it('records the flavour in the container’s labels and reads it back; a plain instance has none', () => {
    const spec = {
      id: 'a1',
      name: 'vec',
      engine: 'postgres' as const,
      image: 'pgvector/pgvector',
      tag: 'pg17',
      hostPort: 5432,
      bindAddress: '127.0.0.1',
      volumes: [],
    };
    const labels = containerLabels({ ...spec, flavour: 'pgvector' });
    expect(labels['io.dockbase.flavour']).toBe('pgvector');
    const facts = {
      containerId: 'c',
      containerName: 'vec',
      image: { image: 'x', tag: 'y' },
      status: 'running' as const,
      health: 'healthy' as const,
      createdAt: '',
      statusText: '',
    };
    expect(instanceFromLabels(labels, facts)?.flavour).toBe('pgvector');
    expect(containerLabels(spec)).not.toHaveProperty('io.dockbase.flavour');
    expect(instanceFromLabels(containerLabels(spec), facts)).not.toHaveProperty('flavour');
  });

  it('its data volumes record the flavour too, so a re-create on kept data offers it again', () => {
    const labels = volumeLabels(
      { key: 'data', path: '/var/lib/postgresql/data' },
      { engine: 'postgres', tag: 'pg17', instanceName: 'vec', instanceId: 'a1', flavour: 'pgvector' },
    );
    expect(volumeOwner(labels)).toMatchObject({ flavour: 'pgvector', tag: 'pg17' });
    expect(volumeOwner(volumeLabels({ key: 'data', path: '/d' }, { engine: 'postgres', tag: '17', instanceName: 'p', instanceId: 'a2' }))).not.toHaveProperty(
      'flavour',
    );
  });

  it('a snapshot records the flavour, so a clone gets it', () => {
    const snapshot = {
      id: 's1',
      name: 'n',
      instanceId: 'a1',
      instanceName: 'vec',
      engine: 'postgres' as const,
      image: 'pgvector/pgvector',
      tag: 'pg17',
      createdAt: '2026-01-01T00:00:00Z',
      sizeBytes: 1,
      reason: 'manual' as const,
      manifestVolume: 'm',
      volumes: [],
      flavour: 'postgis',
    };
    expect(snapshotFromLabels('m', snapshotManifestLabels(snapshot))).toMatchObject({ flavour: 'postgis' });
  });
});

describe('upgrading a flavour', () => {
  const gis = { engine: 'postgres' as const, name: 'maps', image: '127.0.0.1:5000/dockbase-test/postgis-debian', tag: '15-3.3', flavour: 'postgis' };

  it('moves to the same flavour’s image for the new major, by dump and restore, in the instance’s repository', () => {
    const plan = planUpgrade(gis, '17-3.5');
    expect(plan).toMatchObject({ method: 'dump-restore', image: '127.0.0.1:5000/dockbase-test/postgis-debian:17-3.5', from: '15-3.3', to: '17-3.5' });
    expect(plan.refusal).toBeUndefined();
    expect(planUpgrade({ ...gis, flavour: 'pgvector', tag: 'pg16' }, 'pg17')).toMatchObject({ method: 'dump-restore' });
  });

  it('refuses a tag that is not the flavour’s (the plain server’s 17 would lose PostGIS), and older or equal majors', () => {
    expect(planUpgrade(gis, '17').refusal).toBe('PostGIS images are tagged like 17-3.5 (NN-3.5 for PostgreSQL NN): “17” is not one of them.');
    expect(planUpgrade(gis, '14-3.5').refusal).toMatch(/older than 15-3\.3/);
    expect(planUpgrade({ ...gis, flavour: 'pgvector', tag: 'pg17' }, 'pg16').refusal).toMatch(/older/);
  });

  it('offers only the flavour’s newer tags as targets, newest first', () => {
    const targets = upgradeTargets(gis, ['18-3.6', '17', '17-3.5', '16-3.5', '15-3.3', '14-3.5', 'pg17', 'latest']);
    expect(targets.map((t) => t.to)).toEqual(['18-3.6', '17-3.5', '16-3.5']);
    expect(upgradeTargets({ ...gis, flavour: 'pgvector', tag: 'pg16' }, ['pg17', '0.8.0-pg18', '17', '16-3.5']).map((t) => t.to)).toEqual([
      '0.8.0-pg18',
      'pg17',
    ]);
  });
});

describe('the extension check after the row counts', () => {
  const before = ['maps plpgsql 1.0', 'maps postgis 3.3.2', 'postgres vector 0.8.0'].join('\n');

  it('passes when every extension is there at its version or a newer one', () => {
    const after = ['maps plpgsql 1.0', 'maps postgis 3.5.1', 'maps postgis_topology 3.5.1', 'postgres vector 0.8.0'].join('\n');
    expect(extensionDifferences(before, after)).toEqual([]);
    expect(extensionVersions(before, after)).toContainEqual({ database: 'maps', name: 'postgis', before: '3.3.2', after: '3.5.1' });
    // Said once per extension, PL/pgSQL left out.
    expect(extensionsText(extensionVersions(`${before}\npostgres postgis 3.3.2`, after))).toBe('postgis 3.3.2 → 3.5.1, vector 0.8.0');
    expect(extensionsText([])).toBe('');
  });

  it('fails on an extension the new image does not have (the plain postgres:17 has no vector) or an older one', () => {
    const after = ['maps plpgsql 1.0', 'maps postgis 3.2.0'].join('\n');
    expect(extensionDifferences(before, after)).toEqual([
      'postgis of the database maps is 3.2.0, older than 3.3.2',
      'vector 0.8.0 of the database postgres is missing (the new image does not have it)',
    ]);
  });
});
