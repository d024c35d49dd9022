import { formatBinarySize, formatGoG, formatSize } from '../../src/output/human-size';
import { formatAgo, humanDuration } from '../../src/output/human-duration';
import { renderColumns } from '../../src/output/columns';
import { formatJson } from '../../src/output/json';
import { formatSpeed, formatTransferred } from '../../src/output/transfer-rate';

describe('formatSize (podman: decimal units, 3 significant digits)', () => {
  it.each([
    [0, '0 B'],
    [12, '12 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1234, '1.23 kB'],
    [735_000, '735 kB'],
    [4_270_000, '4.27 MB'],
    [4_275_000, '4.28 MB'],
    [41_943_040, '41.9 MB'],
    [1_500_000_000, '1.5 GB'],
    [999_999, '1e+03 kB'], // go-units quirk, kept for fidelity
  ])('%d bytes -> %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it('formats like Go %.3g', () => {
    expect(formatGoG(0.0001234, 3)).toBe('0.000123');
    expect(formatGoG(0.00001234, 3)).toBe('1.23e-05');
    expect(formatGoG(100, 3)).toBe('100');
    expect(formatGoG(2.5, 3)).toBe('2.5');
  });

  it('uses binary units for transfers', () => {
    expect(formatBinarySize(512)).toBe('512 B');
    expect(formatBinarySize(1536)).toBe('1.5 KiB');
    expect(formatBinarySize(40 * 1024 * 1024)).toBe('40.0 MiB');
    expect(formatTransferred(1024, 2048)).toBe('1.0 KiB / 2.0 KiB');
    expect(formatTransferred(1024, 0)).toBe('1.0 KiB');
    expect(formatSpeed(2 * 1024 * 1024, 1000)).toBe('2.0 MiB/s');
    expect(formatSpeed(0, 1000)).toBe('-');
  });
});

describe('humanDuration / formatAgo (go-units HumanDuration)', () => {
  const s = 1000;
  const min = 60 * s;
  const h = 60 * min;
  const d = 24 * h;
  it.each([
    [500, 'Less than a second'],
    [1 * s, '1 second'],
    [45 * s, '45 seconds'],
    [61 * s, 'About a minute'],
    [5 * min, '5 minutes'],
    [59 * min, '59 minutes'],
    [61 * min, 'About an hour'],
    [2 * h + 31 * min, '3 hours'],
    [47 * h, '47 hours'],
    [3 * d, '3 days'],
    [15 * d, '2 weeks'],
    [70 * d, '2 months'],
    [800 * d, '2 years'],
  ])('%d ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('appends "ago" and treats the future as now', () => {
    const now = new Date('2024-05-01T12:00:00Z');
    expect(formatAgo(new Date('2024-05-01T10:00:00Z'), now)).toBe('2 hours ago');
    expect(formatAgo(new Date('2024-05-01T13:00:00Z'), now)).toBe('Less than a second ago');
  });
});

describe('renderColumns (tabwriter minwidth 12, padding 2)', () => {
  it('aligns like podman images', () => {
    const text = renderColumns([
      ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
      ['localhost:5000/busybox', 'latest', '0123456789ab', '2 hours ago', '4.27 MB'],
    ]);
    expect(text).toBe(
      'REPOSITORY              TAG         IMAGE ID      CREATED      SIZE\n' +
        'localhost:5000/busybox  latest      0123456789ab  2 hours ago  4.27 MB\n',
    );
  });

  it('does not leave trailing blanks and handles no rows', () => {
    expect(renderColumns([['A', '']])).toBe('A\n');
    expect(renderColumns([])).toBe('');
  });
});

it('formats JSON with podman indentation', () => {
  expect(formatJson([{ Id: 'x' }])).toBe('[\n    {\n        "Id": "x"\n    }\n]\n');
});
