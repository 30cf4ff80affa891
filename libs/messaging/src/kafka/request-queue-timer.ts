/**
 * kafkajs 2.2.4's RequestQueue (one per broker connection) re-arms its "check pending
 * requests" timer after every check, whether or not anything is pending:
 * `setTimeout(check, throttledUntil - Date.now())` with `throttledUntil = -1` is a negative
 * delay, which Node runs after 1 ms (the `TimeoutNegativeWarning` every service printed at
 * start-up), and the check arms it again. So every process with a Kafka connection woke
 * ~1000 times a second, idle or not (tulios/kafkajs#1751; the proposed upstream fixes clamp
 * the delay to 0, which Node also runs after 1 ms). On a shared host each of those wake-ups
 * can pre-empt the gateway's request path: measured in the distributed mode (five such
 * processes on 2 cores), docs/benchmarks.md "Distributed mode at concurrency 1".
 *
 * The check only serves requests that wait in `pending` (client-side throttling, or the
 * in-flight limit; the latter is also re-checked whenever a response comes back), and every
 * push to `pending` schedules it. So it is scheduled only while something is pending; the
 * throttle and in-flight logic are kafkajs's own. Applied once per process, before the first
 * connection; a kafkajs without this internal (another version) is left alone.
 */
import { kafkajsInternal } from './kafkajs-internal';

interface RequestQueueInternals {
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}

let applied = false;

export function scheduleKafkaChecksOnlyWhenPending(): void {
  if (applied) return;
  applied = true;
  const proto = kafkajsInternal<{ prototype?: RequestQueueInternals }>(
    'network/requestQueue',
  )?.prototype;
  const schedule = proto?.scheduleCheckPendingRequests;
  if (!proto || typeof schedule !== 'function') return;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.pending.length === 0) return;
    schedule.call(this);
  };
}
