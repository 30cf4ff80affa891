import { PII_PATTERNS, CONTENT_CATEGORIES } from '@llmgov/policy-schema';
import { scanPii } from './pii.detector';
import { scanContent } from './content.detector';
import { scanSecurity } from './security.detector';

/**
 * No regex backtracks catastrophically: 1 MB adversarial inputs (long runs of the
 * characters each pattern loops on, near-misses repeated) scan in bounded time. The bound
 * is on this process's CPU time, not wall time: a CI machine whose cores other jobs hold
 * stretched one 138 ms scan to 10.5 s of wall time, while catastrophic backtracking burns
 * CPU (hours for 1 MB) however loaded the machine is. 10 s of CPU per MB; measured ~10–230 ms.
 */
const MB = 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
const inputs: [string, string][] = [
  ['at signs', fill('a@')],
  ['digits and spaces', fill('1 ')],
  ['digit-dash runs', fill('4111-')],
  ['key prefixes', fill('sk-')],
  ['jwt prefixes', fill('eyJ')],
  ['iban near-misses', fill('DE89 ')],
  ['password near-misses', fill('password= ')],
  ['base64 runs', fill('QUJD')],
  ['hex runs', fill('0a')],
  ['injection near-misses', fill('ignore all the previous ')],
  ['how-to near-misses', fill('how do i make a ')],
  ['whitespace', fill(' \t')],
  ['pem headers', fill('-----BEGIN ')],
];

describe('detectors scan 1 MB adversarial inputs in bounded time', () => {
  const all = new Set(PII_PATTERNS);
  const categories = new Set(CONTENT_CATEGORIES);
  it.each(inputs)('%s', (_name, text) => {
    const before = process.cpuUsage();
    scanPii(text, all);
    scanContent([text], categories);
    scanSecurity([text], 'high');
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(10_000);
  });
});
