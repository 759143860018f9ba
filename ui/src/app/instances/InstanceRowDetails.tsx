import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import type { Instance } from '@dockbase/core';
import { ConnectionString } from './ConnectionString';
import { InstanceDetails } from './InstanceDetails';

/**
 * What a card shows of an instance that a table row has no room for, once the row is opened: the connection
 * string (reveal, copy) and, with the backend, the notes and history. The card's own parts, not copies.
 */
export function InstanceRowDetails({ instance, withDetails }: { instance: Instance; withDetails: boolean }) {
  return (
    <Stack spacing={2} sx={{ py: 1, maxWidth: 760 }}>
      <ConnectionString instance={instance} />
      {withDetails && (
        <>
          <Divider />
          <InstanceDetails instance={instance} />
        </>
      )}
    </Stack>
  );
}
