import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import type { ReactNode } from 'react';

/**
 * One collapsed section of what deleted instances left behind (their kept data, their snapshots), below the
 * instances: its title counts them, and its content is rendered (and read) only once it is opened.
 */
export function LeftBehindSection({
  title,
  count,
  open,
  onOpen,
  children,
}: {
  title: string;
  count: number;
  open: boolean;
  onOpen(open: boolean): void;
  children: ReactNode;
}) {
  return (
    <Accordion variant="outlined" disableGutters expanded={open} onChange={(_, o) => onOpen(o)}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="subtitle1" component="h2">
          {title} ({count})
        </Typography>
      </AccordionSummary>
      {open && <AccordionDetails>{children}</AccordionDetails>}
    </Accordion>
  );
}
