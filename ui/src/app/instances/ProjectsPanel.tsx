import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { groupByProject, projectDownTargets, projectUpTargets, type BulkAction, type Instance, type ProjectGroup } from '@dockbase/core';
import { FOCUS_RING } from './InstanceActions';

export interface ProjectsPanelProps {
  instances: readonly Instance[];
  /** Starts or stops these instances, each as its own job (the toolbar's bulk action). */
  onBulk(action: BulkAction, instances: readonly Instance[]): Promise<unknown>;
}

/**
 * The projects (folders with a dockbase.yaml, `dockbase up`) whose instances are here: one card each, with
 * its folder, each declared instance and the copy that serves it (a git branch's own, or the project's),
 * and Up and Down. Instances of no project are not here: the list below shows every instance.
 */
export function ProjectsPanel({ instances, onBulk }: ProjectsPanelProps) {
  const { projects } = groupByProject(instances);
  if (projects.length === 0) return null;
  return (
    <Stack component="section" aria-label="Projects" spacing={1}>
      <Typography variant="h6" component="h2">
        Projects
      </Typography>
      {projects.map((p) => (
        <ProjectCard key={`${p.name}\n${p.path}`} project={p} onBulk={onBulk} />
      ))}
    </Stack>
  );
}

function ProjectCard({ project, onBulk }: { project: ProjectGroup; onBulk: ProjectsPanelProps['onBulk'] }) {
  const [running, setRunning] = useState<BulkAction | undefined>();
  const up = projectUpTargets(project);
  const down = projectDownTargets(project);
  const act = async (action: BulkAction, targets: readonly Instance[]) => {
    setRunning(action);
    try {
      await onBulk(action, targets);
    } finally {
      setRunning(undefined);
    }
  };
  const branchText = project.servedBranches.length > 0 ? `branch ${project.servedBranches.join(', ')}` : undefined;
  return (
    <Card variant="outlined" component="section" role="region" aria-label={`Project ${project.name}`} data-project={project.name}>
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Stack direction="row" spacing={2} alignItems="flex-start" justifyContent="space-between">
          <Box sx={{ minWidth: 0 }}>
            <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
              {project.name}
              {branchText && (
                <Typography component="span" variant="body2" color="text.secondary">
                  {' '}
                  · serves {branchText}
                </Typography>
              )}
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
              {project.path}
            </Typography>
            <Stack
              direction="row"
              spacing={1}
              useFlexGap
              flexWrap="wrap"
              sx={{ mt: 1 }}
              component="ul"
              aria-label={`Instances of ${project.name}`}
              style={{ padding: 0, margin: 0 }}
            >
              {project.families.map((f) => (
                <Chip
                  component="li"
                  key={f.key}
                  size="small"
                  variant={f.serving ? 'filled' : 'outlined'}
                  color={f.serving ? 'success' : 'default'}
                  label={`${f.key}: ${f.serving ? `${f.serving.project?.branch ? `branch ${f.serving.project.branch}, ` : ''}running` : `stopped${f.copies.length > 1 ? ` (${f.copies.length} copies)` : ''}`}`}
                  title={f.copies.map((c) => `${c.name}${c.project?.branch ? ` (branch ${c.project.branch})` : ''}: ${c.status}`).join('\n')}
                />
              ))}
            </Stack>
          </Box>
          <Stack direction="row" spacing={1} sx={{ flexShrink: 0 }}>
            <Button
              size="small"
              variant="outlined"
              disabled={up.length === 0 || running !== undefined}
              onClick={() => void act('start', up)}
              aria-label={`Up ${project.name}`}
              title={up.length > 0 ? `Start ${up.map((i) => i.name).join(', ')}` : 'Every instance of the project runs'}
              sx={FOCUS_RING}
            >
              {running === 'start' ? 'Starting…' : 'Up'}
            </Button>
            <Button
              size="small"
              variant="outlined"
              disabled={down.length === 0 || running !== undefined}
              onClick={() => void act('stop', down)}
              aria-label={`Down ${project.name}`}
              title={down.length > 0 ? `Stop ${down.map((i) => i.name).join(', ')}` : 'Nothing of the project runs'}
              sx={FOCUS_RING}
            >
              {running === 'stop' ? 'Stopping…' : 'Down'}
            </Button>
          </Stack>
        </Stack>
      </CardContent>
    </Card>
  );
}
