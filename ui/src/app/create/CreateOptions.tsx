import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { useId, useState, type ReactNode } from 'react';
import { getEngine, getFlavour, volumeName } from '@dockbase/core';
import type { CreateDialogState } from './useCreateDialog';
import { SettingsField } from '../shared/SettingsField';

/** Persist data and Expose on my network, each with what it means for this instance. */
export function StorageAndNetworkOptions({ state }: { state: CreateDialogState }) {
  const { form } = state;
  const { values } = form;
  const engine = getEngine(values.engine);
  const persistHelpId = useId();
  const exposeHelpId = useId();
  const dataKeys = engine.dataMounts(values.tag).map((m) => volumeName(values.name || '<name>', m.key));
  return (
    <Stack spacing={0.5}>
      <FormControlLabel
        control={
          <Switch
            checked={values.persistData}
            onChange={(e) => form.setPersistData(e.target.checked)}
            slotProps={{ input: { 'aria-describedby': persistHelpId } }}
          />
        }
        label="Persist data"
      />
      <FormHelperText id={persistHelpId} sx={{ mt: 0 }}>
        {values.persistData
          ? `Kept in volume${dataKeys.length > 1 ? 's' : ''} ${dataKeys.join(', ')} when the instance is deleted.`
          : 'The data goes away with the container.'}
      </FormHelperText>
      <FormControlLabel
        control={
          <Switch
            checked={values.exposeOnNetwork}
            onChange={(e) => form.setExposeOnNetwork(e.target.checked)}
            slotProps={{ input: { 'aria-describedby': exposeHelpId } }}
          />
        }
        label="Expose on my network"
      />
      <FormHelperText id={exposeHelpId} sx={{ mt: 0 }}>
        {values.exposeOnNetwork ? 'Other machines on your network can connect (0.0.0.0).' : 'Only this computer can connect (127.0.0.1).'}
      </FormHelperText>
    </Stack>
  );
}

/** The init files (`children`, where the engine runs any) and the image, folded away. */
export function AdvancedOptions({ state, children }: { state: CreateDialogState; children: ReactNode }) {
  const { form } = state;
  const { values, errors } = form;
  // The flavour's image is the one a mirror stands for, when one is chosen.
  const official = (values.flavour ? getFlavour(values.flavour) : undefined)?.image ?? getEngine(values.engine).image;
  // Open from the start when an image was given before (e.g. back from a cancelled create).
  const [advancedOpen, setAdvancedOpen] = useState(() => values.image !== '' || values.settings !== '');
  return (
    <Accordion disableGutters variant="outlined" expanded={advancedOpen} onChange={(_, open) => setAdvancedOpen(open)}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">Advanced</Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Stack spacing={2}>
          {children}
          <SettingsField engine={values.engine} value={values.settings} onChange={form.setSettings} error={errors.settings} />
          <TextField
            label="Image"
            value={values.image}
            onChange={(e) => form.setImage(e.target.value)}
            error={Boolean(errors.image)}
            helperText={
              errors.image ?? `Empty: the official image (${official}). Otherwise a mirror or private registry, e.g. registry.example.com/mirror/${official}.`
            }
            placeholder={official}
            autoComplete="off"
            fullWidth
          />
        </Stack>
      </AccordionDetails>
    </Accordion>
  );
}
