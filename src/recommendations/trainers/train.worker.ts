import { parentPort, workerData } from "node:worker_threads";
import { runTrainTask, type TrainTask } from "./train-tasks";

// Runs one training task off the server's event loop and posts progress, then the result.
runTrainTask(workerData as TrainTask, (share, message) => parentPort!.postMessage({ type: "progress", share, message }))
  .then((result) => parentPort!.postMessage({ type: "done", result }, [result.onnx.buffer as ArrayBuffer]))
  .catch((error: Error) => parentPort!.postMessage({ type: "error", message: error.message, name: error.name }));
