import { createDockerDesktopClient } from '@docker/extension-api-client';
import { createDockbase } from '@dockbase/core';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';

/**
 * The entry is small on purpose: it asks docker for the instances first, and only then loads the UI
 * (React, MUI, the views), so the list's `docker ps` and the UI's download and start-up overlap instead of
 * following each other. The App finds the answer on its way (see startListing).
 */
const ddClient = createDockerDesktopClient();
const dockbase = createDockbase(new DesktopDockerCli(ddClient));
const firstList = dockbase.lifecycle.list();
// Nobody may be waiting yet: a failure is reported by the list query that takes this promise over.
firstList.catch(() => undefined);

void import('./start').then(({ start }) => start(ddClient, dockbase, firstList));
