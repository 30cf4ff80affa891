import { versionMatches, type ExpectedVersion } from './stored-event';

describe('versionMatches', () => {
  it.each<[ExpectedVersion, number, boolean]>([
    ['no_stream', 0, true],
    ['no_stream', 1, false],
    ['any', 0, true],
    ['any', 7, true],
    [0, 0, true],
    [3, 3, true],
    [3, 2, false],
    [3, 4, false],
  ])('expected %p, stream at %p: %p', (expected, current, matches) => {
    expect(versionMatches(expected, current)).toBe(matches);
  });
});
