/** Package entry point: the core library. Engine, data, models and training live in their own modules. */
export * from './core/index.js';
