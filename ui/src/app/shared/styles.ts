/** A clearly visible keyboard focus on the action buttons, in light and dark themes alike (WCAG 2.4.7). */
export const FOCUS_RING = {
  '&.Mui-focusVisible, &:focus-visible': { outline: '2px solid', outlineColor: 'text.primary', outlineOffset: '2px' },
} as const;
