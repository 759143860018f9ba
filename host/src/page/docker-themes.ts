import type { ThemeOptions } from '@mui/material/styles';

/**
 * Docker Desktop injects `window.__ddMuiV6Themes` (light and dark MUI theme options) before an
 * extension's UI boots; `DockerMuiV6ThemeProvider` reads it. Outside Docker Desktop (the standalone host,
 * component tests) this bag stands in for it, with Docker's colours and typography.
 */
export interface ThemeOptionsBag {
  light: ThemeOptions;
  dark: ThemeOptions;
}

const shared: ThemeOptions = {
  shape: { borderRadius: 4 },
  typography: {
    fontFamily: '"Roboto", "Helvetica Neue", Arial, sans-serif',
    button: { textTransform: 'none', fontWeight: 500 },
  },
  components: {
    MuiButton: { defaultProps: { disableElevation: true } },
  },
};

export const dockerThemes: ThemeOptionsBag = {
  light: {
    ...shared,
    palette: {
      mode: 'light',
      primary: { main: '#1d63ed', dark: '#0e4bc1', light: '#4d87f7', contrastText: '#ffffff' },
      secondary: { main: '#677285' },
      error: { main: '#c61a1a' },
      warning: { main: '#b35600' },
      success: { main: '#157a3b' },
      info: { main: '#1d63ed' },
      background: { default: '#ffffff', paper: '#f4f4f6' },
      text: { primary: '#17191e', secondary: '#505968' },
      divider: '#d6d9dd',
    },
  },
  dark: {
    ...shared,
    palette: {
      mode: 'dark',
      primary: { main: '#4d87f7', dark: '#1d63ed', light: '#7aa6fb', contrastText: '#0b0e14' },
      secondary: { main: '#a0a8b5' },
      error: { main: '#f47272' },
      warning: { main: '#f5a94a' },
      success: { main: '#4fc27a' },
      info: { main: '#4d87f7' },
      background: { default: '#1b1f26', paper: '#232831' },
      text: { primary: '#f4f5f7', secondary: '#aab1bd' },
      divider: '#39404b',
    },
  },
};
