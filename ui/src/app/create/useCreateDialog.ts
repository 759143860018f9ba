import { useCallback, useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { getEngine, getFlavour, imageRef, type ImageCheck, type Instance, type KeptData } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { useCreateForm, type CreateForm, type CreatePreset } from './useCreateForm';
import { useCreateInstance, type CreateInstanceState } from './useCreateInstance';
import { useEngineUsage } from '../shared/useEngineUsage';
import { useKeptData, useKeptDataDetails } from '../shared/useKeptData';
import { useTags, type TagsState } from '../shared/useTags';

export interface CreateDialogState {
  form: CreateForm;
  tags: TagsState;
  creation: CreateInstanceState;
  /** The image reference that will be used (the official image unless another one is given). */
  imageRef: string;
  /** Init files (absolute paths, one a line) run on the first start, for engines whose images run them. */
  seedFiles: string;
  setSeedFiles(text: string): void;
  /** Submit is possible: the form is valid, the engine's usage is known and nothing is running. */
  canSubmit: boolean;
  /** The kept data the name finds again, with its date and size once read. */
  keptData: KeptData | undefined;
  /**
   * What the registry says of the chosen version on this machine's platform, asked once the version has not
   * changed for a moment and is not downloaded already (the create asks again before its pull).
   */
  imageCheck: ImageCheck | undefined;
  submit(): Promise<void>;
}

/** The create dialog's use case: form, suggestions, tags and the create itself, wired together. */
export function useCreateDialog(onCreated: (instance: Instance) => void, preset: CreatePreset = {}): CreateDialogState {
  const usage = useEngineUsage();
  const { kept } = useKeptData({ fresh: true });
  const form = useCreateForm(usage.usage, kept, preset);
  const keptData = useKeptDataDetails(form.keptData);
  const flavour = form.values.flavour ? getFlavour(form.values.flavour) : undefined;
  const tags = useTags(getEngine(form.values.engine), form.values.image.trim() || flavour?.image || getEngine(form.values.engine).image, flavour);
  const creation = useCreateInstance(onCreated);
  const { dockbase } = useAppServices();
  const chosen = { engine: form.input.engine, tag: form.input.tag, image: form.input.image ?? '', flavour: form.input.flavour ?? '' };
  const settled = useSettled(chosen, 600);
  const checkable = settled.tag !== '' && !form.errors.tag && !form.errors.image && !tags.downloaded.has(settled.tag);
  const check = useQuery({
    queryKey: ['image-check', settled.engine, settled.image, settled.flavour, settled.tag],
    queryFn: ({ signal }) =>
      dockbase.creation.checkImage({ ...settled, ...(settled.flavour ? { flavour: settled.flavour } : {}) }, { signal }).then((c) => c ?? null),
    enabled: checkable,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const { input, valid, showServiceErrors } = form;
  const { create } = creation;
  const { refresh } = usage;
  const [seedFiles, setSeedFiles] = useState('');
  const seeds =
    getEngine(input.engine).transfer.seedExtensions.length > 0
      ? seedFiles
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
      : [];

  const submit = useCallback(async () => {
    if (!valid) return;
    const outcome = await create(input, { seedFiles: seeds });
    if (outcome.kind === 'invalid') showServiceErrors(outcome.fields);
    // What the engine holds may have changed meanwhile (a name or port taken by someone else).
    if (outcome.kind === 'invalid' || outcome.kind === 'failed') refresh();
    // seeds is derived from seedFiles and the engine on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [valid, create, input, showServiceErrors, refresh, seedFiles]);

  return {
    form,
    tags,
    creation,
    seedFiles,
    setSeedFiles,
    imageRef: imageRef(input.image || flavour?.image || getEngine(input.engine).image, input.tag),
    canSubmit: valid && usage.settled && !creation.creating,
    keptData,
    imageCheck: checkable && check.data ? check.data : undefined,
    submit,
  };
}

/** `value` once it has stayed the same for `ms` (compared as JSON): a version typed letter by letter is asked about once. */
function useSettled<T>(value: T, ms: number): T {
  const text = JSON.stringify(value);
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const t = setTimeout(() => setSettled(text), ms);
    return () => clearTimeout(t);
  }, [text, ms]);
  return JSON.parse(settled) as T;
}
