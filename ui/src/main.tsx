import { createDockerDesktopClient } from '@docker/extension-api-client';
import { createDockbase } from '@dockbase/core';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';

/**
 * The entry is small on purpose: it asks docker for the instances first, and only then loads the UI
 * (React, MUI, the views), so the list's `docker ps` and the UI's download and start-up overlap instead of
 * following each other. The App finds the answer on its way (see startListing).
 */
const ddClient = createDockerDesktopClient();
const cli = new DesktopDockerCli(ddClient);
const dockbase = createDockbase(cli);
const firstList = dockbase.lifecycle.list();
// Nobody may be waiting yet: a failure is reported by the list query that takes this promise over.
firstList.catch(() => undefined);

/** The guard index.html loads first (public/load-guard.js): it loads the page again when its code did not arrive. */
const guard = (window as { dockbaseLoad?: { failed(what: string): void; started(): void } }).dockbaseLoad;

import('./start').then(
  ({ start }) => {
    guard?.started();
    start(ddClient, cli, dockbase, firstList);
  },
  () => {
    // A dropped download would leave a blank page: the guard loads the page again, a few times.
    if (guard) return guard.failed("the tab's start");
    const root = document.getElementById('root');
    if (root) root.textContent = 'Dockbase could not load its code. Reload the page to try again.';
  },
);
