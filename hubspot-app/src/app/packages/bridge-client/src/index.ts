export * from './client';
export * from './format';
export * from './origin';
export * from './result';
export * from './types';
export * from './useRequest';
