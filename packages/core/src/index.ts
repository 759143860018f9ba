/**
 * @dockbase/core: the public surface every front door (the tab, the standalone host, the CLI) and the test
 * suites use, named one by one. What is not listed here is the core's own business: a use case's internals,
 * a reader's helpers. A name a door needs is added here, where it is seen.
 */
export { ENGINE_IDS, isEngineId, type EngineId } from './engines/ids';
export { ENGINES, getEngine, tagVersion } from './engines';
export { FLAVOURS, flavourMajor, flavourTagFor, flavourTags, flavourTarget, flavouredName, flavoursOf, getFlavour, type Flavour } from './engines/flavours';
export { byNearness, checkImage, servesPlatform, type CandidateTag, type ImageCheck, type ImageVerdict } from './use-cases/image-check';
export { REDIS_START_SCRIPT } from './engines/redis';
export { VALKEY_START_SCRIPT } from './engines/valkey';
export { type DumpKind, type EngineDefinition, type ServerSettingRules } from './engines/types';
export { connectionString, maskedConnectionString, shellCommand } from './model/connection';
export { describeDumpKind, fileStamp } from './model/dump-files';
export { count } from './model/words';
export { DockbaseError, InvalidInputError, cancelled, isDockbaseError, type DockbaseErrorCode } from './model/errors';
export {
  awaitsReadiness,
  displayStatus,
  imageRef,
  isActive,
  isWatched,
  startedLately,
  uptimeOf,
  volumeName,
  type DisplayStatus,
  type Instance,
  type ProjectRef,
  type InstanceFailure,
  type ServerView,
} from './model/instance';
export { LABEL, containerLabels, snapshotManifestLabels } from './model/labels';
export { checkSnapshotName, isRollbackPoint, orphanSnapshots, snapshotBelongsTo, type RollbackPoint, type Snapshot } from './model/snapshot-model';
export { generatePassword, suggestName, suggestPort } from './model/suggest';
export { PRELOAD_LIBRARIES } from './engines/postgres';
export { Extensions, parseExtensions, settingsWithPreload, type EnableRequest, type ExtensionInfo, type ExtensionsView } from './use-cases/extensions';
export {
  MAX_SETTINGS,
  describeSettingChanges,
  formatSettingLines,
  parseSettingLines,
  sameSettings,
  settingProblems,
  validateSettings,
  type ServerSettings,
  type SettingProblem,
} from './model/settings';
export {
  usageConflicts,
  usageWarnings,
  validateCreateInput,
  type CreateField,
  type CreateInstanceInput,
  type EngineUsage,
  type FieldErrors,
} from './model/validation';
export { type CallEnv, type CommandTargets } from './docker/command-shape';
export {
  ALL_CONTAINERS_PATH,
  containerSummariesFromApi,
  inspectContainerArgs,
  instanceByIdArgs,
  listAllContainersArgs,
  listInstancesArgs,
  parseContainerSummaries,
  upgradeWorkerIdsArgs,
} from './docker/containers';
export { copyInArgs, copyOutArgs } from './docker/copy';
export { createContainerArgs, createContainerEnv, createMounts, readCreate, specOf, type CreatePlan } from './docker/create';
export { CANCEL_SCRIPT, COPY_VOLUMES_SCRIPT, HELPER_FROM, HELPER_TO, UPGRADE_SOURCE, copyVolumesScript, exportScript } from './docker/data-scripts';
export { probeArgs, readinessWaitScript, waitReadyArgs } from './docker/exec';
export { wireQuestion, type WireQuestion } from './engines/wire';
export { EARLIER_STEADY_INTERVAL_SECONDS, STEADY_HEALTH, capabilitiesFrom, healthSettings } from './docker/health';
export { helperRunArgs, readHelperRun, readWorkerRun, upgradeWorkerArgs, type UpgradeWorkerPlan } from './docker/helpers';
export { imageExistsArgs, imagePath, manifestInspectArgs, splitImageRef } from './docker/images';
export { eventsArgs, logsArgs, readLogs, readRemove, removeContainerArgs, stopArgs, type InstanceEvent } from './docker/lifecycle';
export { type HelperMount } from './docker/mounts';
export { BRIDGE_RETRY_MS, DockerRunner, sleep } from './docker/runner';
export { readStats, type InstanceUsage } from './docker/usage';
export { parseVolumeInspect, readVolumeCreate, volumeInfoOf, volumeInspectArgs, volumePath, volumeRemoveArgs } from './docker/volumes';
export { checkCommand, type CommandVerdict } from './policy/command-policy';
export { checkSave, checkSend, type FileVerdict } from './policy/data-policy';
export { claimOwnership, containerOwnership, notDockbasesText, volumeOwnership, type Ownership } from './policy/ownership';
export { ActivityLog, creationSettings, instanceSettings, recordIdOf, type ActivityStore, type RecordedAction } from './use-cases/activity';
export {
  Backups,
  type ExportDump,
  type ExportProgress,
  type ExportResult,
  type ImportOptions,
  type ImportResult,
  type SendImportOptions,
  type SentImportFile,
} from './use-cases/backups';
export {
  importServerNote,
  importStepCancellable,
  importSteps,
  importStopsServer,
  type ImportFileInfo,
  type ImportProgress,
  type ImportStep,
  type ImportStepId,
} from './use-cases/import-plan';
export { type CreatedInstance } from './use-cases/create';
export { asksDataPassword, passwordAfterReplaceNote, type PasswordCheck } from './use-cases/credentials';
export { type DataPasswordOutcome, type DataPasswordResult } from './use-cases/data-password';
export { describeChanges, validateEdit, type EditChanges, type EditField, type EditResult, type EditStep, type EditableSettings } from './use-cases/edit';
export { describeKeptData, formatBytes, keptDataForName, reuseProblem, type KeptData, type LeftBehind } from './use-cases/kept-data';
export { FIRST_PROBE_AFTER_MS, HANG_SHOWN_WITHIN_MS, WATCH, noteVerdict, serverView, type SeenVerdict, type ServerAnswer } from './use-cases/liveness';
export { describePull, type LayerState, type PullProgress } from './use-cases/pull';
export { type UsageReport } from './use-cases/resource-usage';
export { dataVolumesOf, restoreRefusal, type CloneInput, type RestoreResult } from './use-cases/snapshots';
export {
  extensionsText,
  planUpgrade,
  rollbackPointFor,
  upgradeTargets,
  type RollbackResult,
  type UpgradePlan,
  type UpgradeProgress,
  type UpgradeResult,
  type UpgradeStep,
  type UpgradeStepId,
} from './use-cases/upgrade-plan';
export {
  NO_FILTER,
  STATUS_GROUPS,
  STATUS_GROUP_LABELS,
  bulkTargets,
  filterInstances,
  isFiltering,
  viewModeFor,
  type BulkAction,
  type ListFilter,
  type StatusGroup,
  type ViewMode,
} from './views/list-view';
export { createDockbase, type Dockbase } from './dockbase';
export { familyKey, groupByProject, projectDownTargets, projectUpTargets, type ProjectFamily, type ProjectGroup } from './views/projects';
export {
  JOB_KINDS,
  NO_JOURNAL,
  type Job,
  type JobDoor,
  type JobKind,
  type JobMark,
  type JobProgress,
  type JobState,
  type JobStore,
  type StepJournal,
  type Undo,
  type UnfinishedJob,
} from './jobs/job';
export { LOCK_LABEL, busyMessage, lockName } from './jobs/lock';
export { MemoryJobStore } from './jobs/memory-store';
export { recoveryPlan } from './jobs/recovery';
export { ENGINE_AWAY_STEP } from './jobs/engine-away';
export { parseJobRequest, type JobRequest } from './jobs/requests';
export { JobRunner, jobError, type DeleteResult, type JobRunnerOptions, type JobsService } from './jobs/runner';
export { passwordVerdict, type PasswordVerdict } from './jobs/password-verdict';
export { cancelledDetail, jobHistoryEntry, recordJobEnd, upgradeDetail, type JobHistoryEntry } from './jobs/job-records';
export { migrationRefusal, migrationTargets, type MigrateInput, type MigrateResult } from './use-cases/migrate';
export { branchCopyRefusal, type BranchCopyInput, type BranchCopyResult, type BranchCopyStep } from './use-cases/branch-copy';
