/**
 * Projects (dockbase.yaml): the file's parser and its errors, the plan of `up`, the .env merge, and the
 * drafts `init` writes. Its own entry (`@dockbase/core/projects`): the YAML parser it needs stays out of
 * everything that does not read the file (the backend, the host's page, the tab).
 */
export {
  MANIFEST_FILE,
  ManifestError,
  instanceName,
  parseManifest,
  projectNameFromFolder,
  renderTemplate,
  type DeclaredInstance,
  type DeclaredSeed,
  type DeclaredVariable,
  type InstanceValues,
  type ProjectManifest,
} from './manifest';
export { formatEnv, mergeEnv, type EnvMerge } from './env-file';
export {
  branchInstanceName,
  copiesOf,
  createInputFor,
  describeSettingDifference,
  instanceValues,
  planUp,
  projectInstances,
  servingInstance,
  settingDifferences,
  type ProjectContext,
  type SettingDifference,
  type SettingsUpdate,
  type UpAction,
  type UpPlan,
} from './plan';
export { draftFromCompose, draftFromInstances, manifestText, type ManifestDraft, type SkippedService } from './compose';
