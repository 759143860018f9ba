/**
 * What every hook needs, provided once by <App>: Dockbase's core over docker, Docker Desktop's UI services
 * (toasts, navigation, clipboard) and the backend client when the backend answers (undefined otherwise:
 * notes, history and Docker Hub tags are then simply not offered), the activity log that records
 * outcomes to the backend's history (recording nothing without a backend), and the jobs service that runs
 * the long operations (the backend's, or the page's own without a backend: jobs-service.ts).
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { ActivityLog, Dockbase, JobsService } from '@dockbase/core';
import type { BackendClient, BackendStatus } from '../../backend-client/client';
import type { DesktopServices } from './desktop-services';

export interface AppServices {
  dockbase: Dockbase;
  desktop: DesktopServices;
  backend?: BackendClient | undefined;
  /** Whether the backend is expected and answering ('down': it exists but does not answer now). */
  backendStatus?: BackendStatus;
  /** Why the backend cannot start, when backendStatus is 'failed'. */
  backendFailure?: string;
  /** Where hooks record what the page does itself (an unpause, a snapshot's delete, an export's save); jobs are recorded by whoever runs them. */
  activity: ActivityLog;
  /** Where every long operation runs as a job (creates, starts, deletes, upgrades, snapshots…), and is followed (useJobs). */
  jobs: JobsService;
}

const AppServicesContext = createContext<AppServices | null>(null);

export function AppServicesProvider({ value, children }: { value: AppServices; children: ReactNode }) {
  return <AppServicesContext.Provider value={value}>{children}</AppServicesContext.Provider>;
}

export function useAppServices(): AppServices {
  const value = useContext(AppServicesContext);
  if (!value) throw new Error('useAppServices must be used inside <AppServicesProvider>');
  return value;
}
