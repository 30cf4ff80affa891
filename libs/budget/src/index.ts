export * from './money';
export * from './periods';
export * from './budget-limit';
export * from './budget-limits-for';
export * from './reservation-book';
export * from './snapshot';
export * from './over-admission';
export * from './test-events';
