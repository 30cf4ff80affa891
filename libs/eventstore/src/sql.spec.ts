import { createTable } from './sql';

describe('createTable', () => {
  it('writes one column or constraint a line, in the order given', () => {
    expect(createTable('"audit"', 'heads', ['chain text primary key', 'hash text not null'])).toBe(
      'create table if not exists "audit".heads (\n' +
        '      chain text primary key,\n' +
        '      hash text not null\n' +
        '    )',
    );
  });
});
