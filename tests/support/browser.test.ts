import { describe, expect, it } from 'vitest';
import { chromiumVerdict, missingChromiumMessage, underCi } from './browser';

describe('browser tests without Chromium', () => {
  const missing = '/nonexistent/chromium';

  it('fail under CI, naming the missing path', () => {
    expect(chromiumVerdict(missing, { CI: 'true' })).toBe('fail');
    expect(chromiumVerdict(missing, { CI: '1' })).toBe('fail');
    expect(missingChromiumMessage(missing)).toContain(missing);
  });

  it('skip on a developer machine, where CI is unset, empty, "false" or "0"', () => {
    for (const CI of [undefined, '', 'false', 'FALSE', '0']) {
      expect(underCi({ CI }), String(CI)).toBe(false);
      expect(chromiumVerdict(missing, { CI })).toBe('skip');
    }
  });

  it('run wherever the browser exists, CI or not', () => {
    // Any existing file stands in for the browser: the verdict only asks whether it is there.
    expect(chromiumVerdict(process.execPath, { CI: 'true' })).toBe('run');
    expect(chromiumVerdict(process.execPath, {})).toBe('run');
  });
});
