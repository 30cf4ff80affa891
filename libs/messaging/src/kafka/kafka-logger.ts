import { logLevel, type logCreator } from 'kafkajs';
import type { MessagingLogger } from '../logger';

/** Routes kafkajs's own log lines to the bus logger. */
export const kafkaLogCreator =
  (logger: MessagingLogger): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const { message, ...fields } = log;
    const entry = { component: 'kafkajs', namespace, ...fields };
    if (level === logLevel.ERROR) logger.error(entry, message);
    else if (level === logLevel.WARN) logger.warn(entry, message);
    else if (level === logLevel.INFO) logger.info(entry, message);
    else logger.debug?.(entry, message);
  };
