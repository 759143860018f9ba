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

/** Set while the page reloads because the UI's code did not arrive; cleared once it has. */
const RELOADED = 'dockbase.reloadedAfterLoadFailure';

import('./start').then(
  ({ start }) => {
    sessionStorage.removeItem(RELOADED);
    start(ddClient, cli, dockbase, firstList);
  },
  () => {
    // A dropped download (browsers drop their connections when the machine's network changes, which docker
    // does at every container start and stop) would leave a blank page: load it again, once.
    if (!sessionStorage.getItem(RELOADED)) {
      sessionStorage.setItem(RELOADED, '1');
      window.location.reload();
      return;
    }
    const root = document.getElementById('root');
    if (root) root.textContent = 'Dockbase could not load its code. Reload the page to try again.';
  },
);
