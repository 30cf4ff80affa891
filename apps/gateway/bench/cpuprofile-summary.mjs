// Summarises a V8 .cpuprofile (node --cpu-prof) by self time per package and per function,
// idle samples left out; percentages are of busy time.
//   node apps/gateway/bench/cpuprofile-summary.mjs /tmp/hp-prof/CPU.*.cpuprofile [top=30]
import { readFileSync } from 'node:fs';

const [file, top = '30'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-summary.mjs <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));

const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

/** node_modules package, node core, the project's dist/apps|libs/<name>, or the VM's own entries. */
function packageOf({ url, functionName }) {
  if (functionName.startsWith('(')) return functionName;
  if (!url) return '(native)';
  const dep = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return 'node core';
  const own = url.match(/dist\/(apps|libs)\/([^/]+)/);
  return own ? `${own[1]}/${own[2]}` : url;
}

const byPackage = new Map();
const byFunction = new Map();
let busy = 0;
for (const [id, us] of selfUs) {
  const frame = nodes.get(id).callFrame;
  if (frame.functionName === '(idle)') continue;
  busy += us;
  const pkg = packageOf(frame);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const where = frame.url.replace(/^.*(node_modules|dist)\//, '');
  const fn = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${name}`);
};
console.log(`busy ${(busy / 1e6).toFixed(2)} s of ${file}`);
print('self time by package', byPackage);
print('self time by function', byFunction);
