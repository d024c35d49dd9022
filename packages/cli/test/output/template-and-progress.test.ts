import { parseTemplate, renderTemplate } from '../../src/output/go-template';
import { plainPullLine } from '../../src/output/pull-lines';
import { renderBarLine } from '../../src/output/pull-bars';
import { TsctrError } from '@tsctr/engine/errors';

const digest = 'sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8';

describe('go-template subset', () => {
  const fields = ['Repository', 'Tag', 'ID', 'Size'];
  const records = [
    { Repository: 'localhost:5000/busybox', Tag: 'latest', ID: 'abc', Size: '1 MB' },
    { Repository: 'x', Tag: '<none>', ID: 'def', Size: '2 MB' },
  ];

  it('renders fields per record', () => {
    expect(renderTemplate('{{.Repository}}:{{ .Tag }}', records, fields)).toBe('localhost:5000/busybox:latest\nx:<none>\n');
  });

  it('renders json of a field and of the record', () => {
    expect(renderTemplate('{{json .Tag}}', records.slice(0, 1), fields)).toBe('"latest"\n');
    expect(renderTemplate('{{json .}}', records.slice(0, 1), fields)).toBe(JSON.stringify(records[0]) + '\n');
  });

  it('adds an aligned header with the table prefix', () => {
    expect(renderTemplate('table {{.ID}}\t{{.Tag}}', records, fields, { ID: 'IMAGE ID' })).toBe(
      'IMAGE ID    TAG\nabc         latest\ndef         <none>\n',
    );
  });

  it('refuses unknown fields naming the available ones', () => {
    expect(() => parseTemplate('{{.Nope}}', fields)).toThrow(TsctrError);
    expect(() => parseTemplate('{{.Nope}}', fields)).toThrow(/unknown field \.Nope; available: Repository, Tag, ID, Size/);
    expect(() => parseTemplate('{{range .}}', fields)).toThrow(/unsupported --format template/);
  });
});

describe('plain pull lines (podman wording)', () => {
  it.each([
    [{ kind: 'trying', reference: 'localhost:5000/busybox:latest', endpoint: 'localhost:5000' }, 'Trying to pull localhost:5000/busybox:latest...'],
    [{ kind: 'manifest', reference: 'r', digest, layers: [] }, 'Getting image source signatures'],
    [{ kind: 'blob', role: 'layer', digest, bytes: 5, total: 5, state: 'done' }, 'Copying blob 4abcf2066143 done'],
    [{ kind: 'blob', role: 'layer', digest, bytes: 5, total: 5, state: 'exists' }, 'Copying blob 4abcf2066143 skipped: already exists'],
    [{ kind: 'blob', role: 'config', digest, bytes: 5, total: 5, state: 'done' }, 'Copying config 4abcf2066143 done'],
    [{ kind: 'writing' }, 'Writing manifest to image destination'],
  ] as const)('%j', (event, line) => {
    expect(plainPullLine(event)).toBe(line);
  });

  it('prints nothing for intermediate states', () => {
    expect(plainPullLine({ kind: 'blob', role: 'layer', digest, bytes: 1, total: 5, state: 'downloading' })).toBeUndefined();
  });
});

describe('renderBarLine', () => {
  it('shows a half-full bar with bytes and speed', () => {
    const line = renderBarLine({ role: 'layer', digest, bytes: 1024 * 1024, total: 2 * 1024 * 1024, state: 'downloading', startedAt: 0 }, 10, 1000);
    expect(line).toBe('Copying blob   4abcf2066143 [=====-----] 1.0 MiB / 2.0 MiB | 1.0 MiB/s');
  });

  it('keeps the download speed once the download ended', () => {
    const line = renderBarLine({ role: 'layer', digest, bytes: 2048, total: 2048, state: 'extracting', startedAt: 0, downloadedAt: 2000 }, 2, 60_000);
    expect(line).toBe('Copying blob   4abcf2066143 [==] 2.0 KiB / 2.0 KiB | 1.0 KiB/s extracting');
  });

  it('fills the bar and names the state for reused blobs', () => {
    const line = renderBarLine({ role: 'layer', digest, bytes: 10, total: 10, state: 'exists' }, 4, 0);
    expect(line).toBe('Copying blob   4abcf2066143 [====] 10 B / 10 B skipped: already exists');
  });
});
