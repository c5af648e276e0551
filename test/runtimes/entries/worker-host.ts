// The page that starts module-worker.js and hands its results to the harness as `window.results`.
import type { StepResult } from "../scenario.ts";

const worker = new Worker("module-worker.js", { type: "module" });
(window as unknown as { results: Promise<StepResult[]> }).results = new Promise((resolve) => {
  worker.onmessage = (event: MessageEvent<StepResult[]>) => resolve(event.data);
  worker.onerror = (event) =>
    resolve([{ step: "start the module worker", ok: false, error: event.message }]);
});
