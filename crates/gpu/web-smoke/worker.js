// Dedicated worker: the same smoke test through `navigator.gpu` of a WorkerGlobalScope.
import init, { smoke } from "./pkg/web_smoke.js";
await init();
postMessage(await smoke());
