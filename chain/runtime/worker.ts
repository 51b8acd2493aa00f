import { Worker } from 'node:worker_threads';

/**
 * Starts the worker thread whose module is `name` (without extension) beside the caller's module `callerUrl`
 * (its import.meta.url). From compiled code the worker is the .js sibling; from TypeScript sources (tests, tsx)
 * the .ts sibling is loaded through tsx.
 */
export function startSiblingWorker(callerUrl: string, name: string): Worker {
  if (callerUrl.endsWith('.js')) return new Worker(new URL(`./${name}.js`, callerUrl));
  const source = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${source}); })`, { eval: true });
}
