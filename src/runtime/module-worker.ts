/**
 * Starts a worker thread on a module beside the caller's. The compiled build runs the module's .js. Tests, benchmarks
 * and `npm run dev` run the caller as TypeScript, and a worker does not inherit its parent's loader (nor, on Node 20,
 * apply an `--import`ed one to its entry file), so a small bootstrap registers tsx in the thread before importing it.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `module` is relative to `callerUrl` (the caller's import.meta.url), without its extension: './sqlite-writer-worker'. */
export function startModuleWorker(callerUrl: string, module: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${module}.js`, callerUrl), options);
  const file = JSON.stringify(new URL(`${module}.ts`, callerUrl).href);
  // Resolved here, from this file: the bootstrap's own bare imports would resolve from the working directory.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then(({ register }) => { register(); return import(${file}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
