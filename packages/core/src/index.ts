/** @dockbase/core: the public surface every front door (the tab, the standalone host, the CLI) uses. */
export * from './engines';
export * from './instance';
export * from './labels';
export * from './argv';
export * from './parse';
export * from './errors';
export * from './validation';
export * from './connection';
export * from './suggest';
export * from './pull';
export * from './runner';
export * from './ownership';
export * from './lifecycle';
export * from './create';
export * from './readiness';
export * from './activity';
export * from './dockbase';
