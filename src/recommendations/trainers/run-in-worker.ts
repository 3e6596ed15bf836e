import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { TooManyItemsError } from "./build-models";
import { runTrainTask, type TrainResult, type TrainTask } from "./train-tasks";

/**
 * Runs a training task in a worker thread (training and ONNX's Inverse block whatever thread runs
 * them). Under ts-jest/swc there is no compiled worker file, so it runs in-process there.
 */
export function runInWorker(task: TrainTask, onProgress: (share: number, message: string) => void, signal: AbortSignal): Promise<TrainResult> {
  if (__filename.endsWith(".ts")) return runTrainTask(task, onProgress);
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, "train.worker.js"), { workerData: task });
    const abort = () => {
      void worker.terminate();
      reject(new Error("training cancelled"));
    };
    signal.addEventListener("abort", abort, { once: true });
    worker.on("message", (msg: { type: string; share: number; message: string; result: TrainResult; name: string }) => {
      if (msg.type === "progress") onProgress(msg.share, msg.message);
      else {
        signal.removeEventListener("abort", abort);
        void worker.terminate();
        if (msg.type === "done") resolve({ ...msg.result, onnx: new Uint8Array(msg.result.onnx) });
        else reject(msg.name === "TooManyItemsError" ? new TooManyItemsError(msg.message) : new Error(msg.message));
      }
    });
    worker.on("error", (error) => {
      signal.removeEventListener("abort", abort);
      reject(error);
    });
  });
}
