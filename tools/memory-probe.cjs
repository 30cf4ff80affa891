// Preloaded by tools/memory.mjs (`node -r`): on SIGUSR2 writes process.memoryUsage() after a full
// collection to MEMORY_PROBE_OUT, and a heap snapshot to MEMORY_PROBE_SNAPSHOT when set.
const { writeFileSync } = require('node:fs');
const { writeHeapSnapshot } = require('node:v8');

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  if (process.env.MEMORY_PROBE_SNAPSHOT) writeHeapSnapshot(process.env.MEMORY_PROBE_SNAPSHOT);
  writeFileSync(process.env.MEMORY_PROBE_OUT, JSON.stringify(process.memoryUsage()));
});
