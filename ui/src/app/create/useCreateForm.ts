import { useCallback, useMemo, useState } from 'react';
import {
  ENGINES,
  getEngine,
  getFlavour,
  keptDataForName,
  reuseProblem,
  type EngineId,
  type EngineUsage,
  type KeptData,
  formatSettingLines,
  generatePassword,
  parseSettingLines,
  suggestName,
  suggestPort,
  usageConflicts,
  usageWarnings,
  validateCreateInput,
  type CreateField,
  type CreateInstanceInput,
  type FieldErrors,
  type ServerSettings,
} from '@dockbase/core';

/** On kept data: the data's own password (typed by the user), or a new one set inside the database. */
export type KeptPasswordMode = 'existing' | 'reset';

interface FormValues {
  engine: EngineId;
  tag: string;
  /** Undefined until the user types one: the unique suggestion is shown meanwhile. */
  name: string | undefined;
  /** Text as typed; undefined until the user types one: the free suggested port is shown meanwhile. */
  hostPort: string | undefined;
  password: string;
  /** The kept data's password, as typed (never generated: only the user knows it). */
  keptPassword: string;
  keptPasswordMode: KeptPasswordMode;
  image: string;
  /** A flavour's id ("pgvector"); '' for the engine's plain server. */
  flavour: string;
  user: string;
  database: string;
  persistData: boolean;
  exposeOnNetwork: boolean;
  /** Server settings as typed: one name=value a line. */
  settings: string;
}

const NOTHING_TAKEN: EngineUsage = { names: new Set(), ports: new Map() };

function initialValues(engine: EngineId, preset: CreatePreset = {}): FormValues {
  const id = preset.engine ?? engine;
  return {
    engine: id,
    tag: preset.tag ?? getEngine(id).defaultTag,
    name: preset.name,
    // The port the kept data's instance had, when its volumes record it (checked like a typed one).
    hostPort: preset.hostPort !== undefined ? String(preset.hostPort) : undefined,
    password: generatePassword(),
    keptPassword: '',
    keptPasswordMode: 'existing',
    // Its image, when it was not the official one of its flavour or engine (a company's own build).
    image: preset.image && preset.image !== (getFlavour(preset.flavour ?? '')?.image ?? getEngine(id).image) ? preset.image : '',
    flavour: preset.flavour && getFlavour(preset.flavour)?.engine === id ? preset.flavour : '',
    user: '',
    database: '',
    persistData: true,
    exposeOnNetwork: false,
    settings: formatSettingLines(preset.settings),
  };
}

/** "5432" → 5432; "" or "abc" → NaN (which validatePort explains). */
function portNumber(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** A form opened for something in particular (Re-create of kept data). */
export interface CreatePreset {
  engine?: EngineId;
  tag?: string;
  name?: string;
  hostPort?: number;
  image?: string;
  /** The flavour the kept data was made with. */
  flavour?: string;
  /** The settings its instance had when it was deleted. */
  settings?: ServerSettings;
}

export interface CreateForm {
  values: {
    engine: EngineId;
    tag: string;
    name: string;
    hostPort: string;
    password: string;
    keptPassword: string;
    keptPasswordMode: KeptPasswordMode;
    image: string;
    flavour: string;
    user: string;
    database: string;
    persistData: boolean;
    exposeOnNetwork: boolean;
    settings: string;
  };
  input: CreateInstanceInput;
  /** One message per field at fault: validation, then conflicts with other containers, then the service's answer. */
  errors: FieldErrors;
  /** Allowed, but worth knowing (a port a stopped container shares). */
  warnings: FieldErrors;
  valid: boolean;
  /** The user changed something: closing the form asks first. */
  dirty: boolean;
  /** The data a create with this name finds again (persisting data), if any. */
  keptData: KeptData | undefined;
  /** Whether the kept data's password is asked for (engines that keep their password in their data). */
  asksKeptPassword: boolean;
  setEngine(engine: EngineId): void;
  setTag(tag: string): void;
  setName(name: string): void;
  setHostPort(text: string): void;
  setPassword(password: string): void;
  setKeptPassword(password: string): void;
  setKeptPasswordMode(mode: KeptPasswordMode): void;
  regeneratePassword(): void;
  setImage(image: string): void;
  /** A flavour of the engine ('' for none): the version becomes its default tag. */
  setFlavour(flavour: string): void;
  setUser(user: string): void;
  setDatabase(database: string): void;
  setPersistData(on: boolean): void;
  setExposeOnNetwork(on: boolean): void;
  setSettings(text: string): void;
  /** Errors the service reported for fields; they stay until the user changes the form. The submitted name and port stay too. */
  showServiceErrors(errors: FieldErrors): void;
}

/** The create form's state: defaults and suggestions from the core, errors field by field, kept data found by name. */
export function useCreateForm(usage: EngineUsage | undefined, kept: readonly KeptData[] | undefined = undefined, preset: CreatePreset = {}): CreateForm {
  const [values, setValues] = useState<FormValues>(() => initialValues(ENGINES[0]?.id ?? 'postgres', preset));
  const [serviceErrors, setServiceErrors] = useState<FieldErrors>({});
  const [dirty, setDirty] = useState(false);

  const taken = usage ?? NOTHING_TAKEN;
  const engine = getEngine(values.engine);
  const name = values.name ?? suggestName(engine, taken.names);
  const hostPort = values.hostPort ?? String(suggestPort(engine, taken.ports));
  const trimmedName = name.trim();

  // Kept data this create would mount (by volume name: another engine's data there is a conflict to say).
  const keptData = useMemo(
    () => (values.persistData && kept ? keptDataForName(kept, trimmedName, engine, values.tag.trim()) : undefined),
    [kept, trimmedName, engine, values.tag, values.persistData],
  );
  const usable = keptData !== undefined && keptData.engine === engine.id;
  const asksKeptPassword = usable && engine.passwordInData && !(values.keptPasswordMode === 'reset' && engine.applyPassword !== undefined);

  const parsedSettings = useMemo(() => parseSettingLines(values.settings), [values.settings]);
  const input = useMemo<CreateInstanceInput>(
    () => ({
      engine: values.engine,
      name: trimmedName,
      tag: values.tag.trim(),
      image: values.image.trim(),
      ...(values.flavour ? { flavour: values.flavour } : {}),
      hostPort: portNumber(hostPort),
      password: asksKeptPassword ? values.keptPassword : values.password,
      persistData: values.persistData,
      exposeOnNetwork: values.exposeOnNetwork,
      // On kept data the data's own user and database count (the image's variables do nothing there).
      ...(usable
        ? {}
        : { ...(values.user.trim() ? { user: values.user.trim() } : {}), ...(values.database.trim() ? { database: values.database.trim() } : {}) }),
      ...(usable && engine.passwordInData ? { keptDataPassword: values.keptPasswordMode === 'reset' && engine.applyPassword ? 'reset' : 'existing' } : {}),
      ...(Object.keys(parsedSettings.settings).length > 0 ? { settings: parsedSettings.settings } : {}),
    }),
    [values, trimmedName, hostPort, asksKeptPassword, usable, engine, parsedSettings],
  );

  const errors = useMemo<FieldErrors>(() => {
    const kept: FieldErrors = {};
    if (keptData) {
      const problem = reuseProblem({ engine: keptData.engine, tag: keptData.tag }, keptData.volumes[0] ?? '', undefined, engine, input.tag);
      if (problem) kept[problem.field] = problem.message;
    }
    // A port taken by a running container names it (Dockbase's or not): the user knows which one to stop.
    return {
      ...serviceErrors,
      ...kept,
      ...usageConflicts(input, taken, undefined, { nameHolder: true }),
      ...validateCreateInput(input),
      ...(parsedSettings.error ? { settings: parsedSettings.error } : {}),
    };
  }, [input, taken, serviceErrors, keptData, engine, parsedSettings.error]);
  const warnings = useMemo<FieldErrors>(() => (errors.hostPort ? {} : usageWarnings(input, taken)), [input, taken, errors.hostPort]);

  const update = useCallback((patch: Partial<FormValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setServiceErrors({});
    setDirty(true);
  }, []);

  return {
    values: { ...values, name, hostPort },
    input,
    errors,
    warnings,
    valid: Object.keys(errors).length === 0,
    dirty,
    keptData,
    asksKeptPassword,
    setEngine: (id) => update({ engine: id, tag: getEngine(id).defaultTag, flavour: '' }),
    setFlavour: (flavour) => update({ flavour, tag: (getFlavour(flavour) ?? engine).defaultTag }),
    setTag: (tag) => update({ tag }),
    setName: (n) => update({ name: n }),
    setHostPort: (text) => update({ hostPort: text }),
    setPassword: (password) => update({ password }),
    setKeptPassword: (keptPassword) => update({ keptPassword }),
    setKeptPasswordMode: (keptPasswordMode) => update({ keptPasswordMode }),
    regeneratePassword: () => update({ password: generatePassword() }),
    setImage: (image) => update({ image }),
    setUser: (user) => update({ user }),
    setDatabase: (database) => update({ database }),
    setPersistData: (persistData) => update({ persistData }),
    setExposeOnNetwork: (exposeOnNetwork) => update({ exposeOnNetwork }),
    setSettings: (settings) => update({ settings }),
    showServiceErrors: (e) => {
      // Keep what was submitted on screen: a refreshed usage must not swap the suggestion under the error.
      setValues((v) => ({ ...v, name, hostPort }));
      setServiceErrors(e);
    },
  };
}

export type { CreateField };
