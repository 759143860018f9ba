import { useCallback, useMemo, useState } from 'react';
import { ENGINES, getEngine, type EngineId, type EngineUsage, generatePassword, suggestName, suggestPort, usageConflicts, validateCreateInput, type CreateField, type CreateInstanceInput, type FieldErrors } from '@dockbase/core';

interface FormValues {
  engine: EngineId;
  tag: string;
  /** Undefined until the user types one: the unique suggestion is shown meanwhile. */
  name: string | undefined;
  /** Text as typed; undefined until the user types one: the free suggested port is shown meanwhile. */
  hostPort: string | undefined;
  password: string;
  image: string;
  persistData: boolean;
  exposeOnNetwork: boolean;
}

const NOTHING_TAKEN: EngineUsage = { names: new Set(), ports: new Map() };

function initialValues(engine: EngineId): FormValues {
  return {
    engine,
    tag: getEngine(engine).defaultTag,
    name: undefined,
    hostPort: undefined,
    password: generatePassword(),
    image: '',
    persistData: true,
    exposeOnNetwork: false,
  };
}

/** "5432" → 5432; "" or "abc" → NaN (which validatePort explains). */
function portNumber(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

export interface CreateForm {
  values: { engine: EngineId; tag: string; name: string; hostPort: string; password: string; image: string; persistData: boolean; exposeOnNetwork: boolean };
  input: CreateInstanceInput;
  /** One message per field at fault: validation, then conflicts with other containers, then the service's answer. */
  errors: FieldErrors;
  valid: boolean;
  setEngine(engine: EngineId): void;
  setTag(tag: string): void;
  setName(name: string): void;
  setHostPort(text: string): void;
  setPassword(password: string): void;
  regeneratePassword(): void;
  setImage(image: string): void;
  setPersistData(on: boolean): void;
  setExposeOnNetwork(on: boolean): void;
  /** Errors the service reported for fields; they stay until the user changes the form. The submitted name and port stay too. */
  showServiceErrors(errors: FieldErrors): void;
}

/** The create form's state: defaults and suggestions from the core, errors field by field. */
export function useCreateForm(usage: EngineUsage | undefined): CreateForm {
  const [values, setValues] = useState<FormValues>(() => initialValues(ENGINES[0]?.id ?? 'postgres'));
  const [serviceErrors, setServiceErrors] = useState<FieldErrors>({});

  const taken = usage ?? NOTHING_TAKEN;
  const engine = getEngine(values.engine);
  const name = values.name ?? suggestName(engine, taken.names);
  const hostPort = values.hostPort ?? String(suggestPort(engine, taken.ports));

  const input = useMemo<CreateInstanceInput>(
    () => ({
      engine: values.engine,
      name: name.trim(),
      tag: values.tag.trim(),
      image: values.image.trim(),
      hostPort: portNumber(hostPort),
      password: values.password,
      persistData: values.persistData,
      exposeOnNetwork: values.exposeOnNetwork,
    }),
    [values, name, hostPort],
  );

  const errors = useMemo<FieldErrors>(
    () => ({ ...serviceErrors, ...usageConflicts(input, taken), ...validateCreateInput(input) }),
    [input, taken, serviceErrors],
  );

  const update = useCallback((patch: Partial<FormValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setServiceErrors({});
  }, []);

  return {
    values: { ...values, name, hostPort },
    input,
    errors,
    valid: Object.keys(errors).length === 0,
    setEngine: (id) => update({ engine: id, tag: getEngine(id).defaultTag }),
    setTag: (tag) => update({ tag }),
    setName: (n) => update({ name: n }),
    setHostPort: (text) => update({ hostPort: text }),
    setPassword: (password) => update({ password }),
    regeneratePassword: () => update({ password: generatePassword() }),
    setImage: (image) => update({ image }),
    setPersistData: (persistData) => update({ persistData }),
    setExposeOnNetwork: (exposeOnNetwork) => update({ exposeOnNetwork }),
    showServiceErrors: (e) => {
      // Keep what was submitted on screen: a refreshed usage must not swap the suggestion under the error.
      setValues((v) => ({ ...v, name, hostPort }));
      setServiceErrors(e);
    },
  };
}

export type { CreateField };
