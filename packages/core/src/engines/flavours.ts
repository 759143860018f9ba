/**
 * Flavours: an engine's official server with extensions built in, from another image (PostgreSQL with
 * pgvector, PostGIS or TimescaleDB). The catalog is data, like the engine catalog: one entry per flavour.
 * An instance records its flavour (LABEL.flavour); its image repository stays its own (the flavour's image,
 * or a mirror of it), and the flavour's tag rule says which of that repository's tags are its versions and
 * which PostgreSQL major each holds, so an upgrade moves to the same flavour's image for the new major.
 */
import type { EngineId } from './ids';
import { compareVersions, versionOf } from './shared';

export interface Flavour {
  /** What LABEL.flavour holds and the CLI's --flavour takes ("pgvector"). */
  id: string;
  engine: EngineId;
  displayName: string;
  /** One line for the create form. */
  summary: string;
  /** Its Docker Hub repository. */
  image: string;
  /**
   * Its tags, as a regular expression whose group `major` is the engine's major version the tag runs
   * ("pg17", "0.8.0-pg17" → 17; PostGIS's "17-3.5" → 17). A tag that does not match is not this flavour's.
   */
  tagPattern: string;
  /** The tag of a major version when no list of tags says better: `{major}` replaced. */
  tagTemplate: string;
  defaultTag: string;
  /** Offered when Docker Hub's tags cannot be fetched; newest first. */
  suggestedTags: readonly string[];
  /** The extensions it brings (CREATE EXTENSION names), shown with it. */
  extensions: readonly string[];
}

export const FLAVOURS: readonly Flavour[] = [
  {
    id: 'pgvector',
    engine: 'postgres',
    displayName: 'pgvector',
    summary: 'Vector similarity search: CREATE EXTENSION vector',
    image: 'pgvector/pgvector',
    tagPattern: '^(?:\\d+\\.\\d+\\.\\d+-)?pg(?<major>\\d+)(?:-[a-z]+)?$',
    tagTemplate: 'pg{major}',
    defaultTag: 'pg17',
    suggestedTags: ['pg18', 'pg17', 'pg16', 'pg15', 'pg14'],
    extensions: ['vector'],
  },
  {
    id: 'postgis',
    engine: 'postgres',
    displayName: 'PostGIS',
    summary: 'Geographic objects and queries: postgis, postgis_topology and more',
    image: 'postgis/postgis',
    tagPattern: '^(?<major>\\d+)-\\d+\\.\\d+(?:\\.\\d+)?(?:-[a-z0-9]+)?$',
    tagTemplate: '{major}-3.5',
    defaultTag: '17-3.5',
    suggestedTags: ['18-3.6', '17-3.5', '16-3.5', '15-3.5', '14-3.5'],
    extensions: ['postgis', 'postgis_topology', 'fuzzystrmatch', 'postgis_tiger_geocoder'],
  },
  {
    id: 'timescaledb',
    engine: 'postgres',
    displayName: 'TimescaleDB',
    summary: 'Time series: CREATE EXTENSION timescaledb',
    image: 'timescale/timescaledb',
    tagPattern: '^(?:latest|\\d+\\.\\d+\\.\\d+)-pg(?<major>\\d+)(?:-[a-z]+)?$',
    tagTemplate: 'latest-pg{major}',
    defaultTag: 'latest-pg17',
    suggestedTags: ['latest-pg17', 'latest-pg16', 'latest-pg15'],
    extensions: ['timescaledb'],
  },
];

export function getFlavour(id: string): Flavour | undefined {
  return FLAVOURS.find((f) => f.id === id);
}

/** The flavours of an engine, in the order the create form offers them. */
export function flavoursOf(engine: EngineId): Flavour[] {
  return FLAVOURS.filter((f) => f.engine === engine);
}

/** The engine's major version a flavour's tag runs; undefined when the tag is not one of the flavour's. */
export function flavourMajor(flavour: Flavour, tag: string): number | undefined {
  const major = new RegExp(flavour.tagPattern).exec(tag.trim())?.groups?.major;
  return major === undefined ? undefined : Number(major);
}

/** The tags of a list that are the flavour's, in their order. */
export function flavourTags(flavour: Flavour, tags: readonly string[]): string[] {
  return tags.filter((t) => flavourMajor(flavour, t) !== undefined);
}

/** Why a tag is not one of the flavour's versions, naming the form they take; undefined when it is. */
export function flavourTagRefusal(flavour: Flavour, tag: string): string | undefined {
  if (flavourMajor(flavour, tag) !== undefined) return undefined;
  return `${flavour.displayName} images are tagged like ${flavour.defaultTag} (${flavour.tagTemplate.replace('{major}', 'NN')} for PostgreSQL NN): “${tag}” is not one of them.`;
}

/**
 * The flavour's tag for another major version, shaped like `current` ("pg16" → "pg17", "15-3.3" → "17-…"):
 * among `known` tags (the repository's, as far as they are known) the one of that major that looks most like
 * the current one (same suffix such as "-alpine"), its extension's newest version first; else the template.
 */
export function flavourTagFor(flavour: Flavour, current: string, major: number, known: readonly string[] = []): string {
  const currentMajor = flavourMajor(flavour, current);
  const replaced = currentMajor === undefined ? undefined : current.replace(String(currentMajor), String(major));
  const candidates = [...new Set([...known, ...flavour.suggestedTags])].filter((t) => flavourMajor(flavour, t) === major);
  if (replaced && candidates.includes(replaced) && flavourMajor(flavour, replaced) === major) return replaced;
  const suffix = (t: string) => /-[a-z][a-z0-9]*$/.exec(t)?.[0] ?? '';
  const sameSuffix = candidates.filter((t) => suffix(t) === suffix(current));
  const rest = (t: string) => versionOf(t.replace(/^\d+-/, '').replace(/^pg\d+-?/, '')) ?? [];
  const newest = [...(sameSuffix.length > 0 ? sameSuffix : candidates)].sort((a, b) => -(compareVersions(rest(a), rest(b)) ?? rest(a).length - rest(b).length));
  return newest[0] ?? flavour.tagTemplate.replace('{major}', String(major));
}

/** An instance's engine as people read it: "PostgreSQL", or with its flavour, "PostgreSQL (PostGIS)". */
export function flavouredName(engineName: string, flavourId: string | undefined): string {
  if (!flavourId) return engineName;
  return `${engineName} (${getFlavour(flavourId)?.displayName ?? flavourId})`;
}

/**
 * The tag an upgrade of a flavour's instance goes to when only a major version is named ("17" for PostGIS:
 * "17-3.5", from the known tags); any other answer unchanged (the plan then says what is wrong with it).
 */
export function flavourTarget(flavourId: string | undefined, currentTag: string, version: string, known: readonly string[] = []): string {
  const flavour = flavourId ? getFlavour(flavourId) : undefined;
  const v = version.trim();
  if (!flavour || !/^\d+$/.test(v) || flavourMajor(flavour, v) !== undefined) return v;
  return flavourTagFor(flavour, currentTag, Number(v), known);
}
