/**
 * Every docker command the core builds, one file per command family: its argv builders, the readers of their
 * parameters, its shapes (what the command policy lets through) and the parsers of what docker prints.
 */
export * from './containers';
export * from './copy';
export * from './create';
export * from './exec';
export * from './helpers';
export * from './images';
export * from './lifecycle';
export * from './usage';
export * from './volumes';
