// Integration and end-to-end tests talk to a real broker and database: give them time.
// (Jest ignores `testTimeout` inside `projects`, so it is set here.)
jest.setTimeout(60_000);
