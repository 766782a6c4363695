import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardFile } from './dashboard.js';

const root = join(sep, 'srv', 'dashboard');

describe('dashboardFile', () => {
  it('names files inside the dashboard folder, the page itself for the folder', () => {
    expect(dashboardFile(root, '')).toBe(join(root, 'index.html'));
    expect(dashboardFile(root, 'assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
  });

  it('names nothing outside the folder, and no type it does not serve', () => {
    expect(dashboardFile(root, '../package.json')).toBeUndefined();
    expect(dashboardFile(root, 'assets/../../secret.json')).toBeUndefined();
    expect(dashboardFile(`${root}${sep}`, '../dashboard-other/x.js')).toBeUndefined();
    expect(dashboardFile(root, 'main.ts')).toBeUndefined();
    expect(dashboardFile(root, 'assets')).toBeUndefined();
  });
});
