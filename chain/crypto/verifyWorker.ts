/**
 * A VerifierPool worker. A signature batch (SharedBatch): takes its chunks until none is left, verifying with
 * the same code the ante uses (checkSignature), then says so; the main thread may have taken chunks of the same
 * batch meanwhile, and the batch is complete when every check's result is written. A task (WorkerTask): imports
 * its module once and answers what the named function returns for the input.
 */
import { parentPort } from 'node:worker_threads';
import { SharedBatch, type SharedBatchMessage } from './verifyBatch.js';

type TaskFn = (input: Uint8Array) => Uint8Array;
type Message = { id: number; batch: SharedBatchMessage } | { id: number; task: { module: string; name: string }; input: Uint8Array };

const taskFns = new Map<string, Promise<TaskFn>>();

function taskFn(module: string, name: string): Promise<TaskFn> {
  const key = `${module}#${name}`;
  let fn = taskFns.get(key);
  if (fn === undefined) {
    fn = import(module).then((m: Record<string, unknown>) => {
      if (typeof m[name] !== 'function') throw new Error(`${module} exports no function ${name}`);
      return m[name] as TaskFn;
    });
    taskFns.set(key, fn);
  }
  return fn;
}

parentPort!.on('message', (m: Message) => {
  if ('batch' in m) {
    const ran = SharedBatch.fromMessage(m.batch).runAll();
    parentPort!.postMessage({ id: m.id, ran });
    return;
  }
  taskFn(m.task.module, m.task.name)
    .then((fn) => {
      let output = fn(m.input);
      if (output.byteLength !== output.buffer.byteLength) output = output.slice(); // hand over a buffer of its own
      parentPort!.postMessage({ id: m.id, output }, [output.buffer as ArrayBuffer]);
    })
    .catch((e: unknown) => parentPort!.postMessage({ id: m.id, error: (e as Error)?.message ?? String(e) }));
});
