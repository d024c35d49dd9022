/**
 * Sizes the way podman prints them (go-units HumanSizeWithPrecision(size, 3)): decimal units,
 * three significant digits, Go's `%.3g` (so 999999 bytes is "1e+03 kB", exactly like podman).
 */
const decimalUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's `%.*g`: shortest of fixed/exponent notation with `precision` significant digits, trailing zeros trimmed. */
export function formatGoG(value: number, precision: number): string {
  if (value === 0) return '0';
  const exponential = value.toExponential(precision - 1); // e.g. "1.00e+3"
  const [mantissa, expText] = exponential.split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= precision) {
    const m = trimZeros(mantissa);
    const sign = exp < 0 ? '-' : '+';
    return `${m}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return trimZeros(value.toFixed(Math.max(0, precision - 1 - exp)));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** podman's SIZE column: "4.27 MB", "735 kB", "12 B". */
export function formatSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < decimalUnits.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${formatGoG(size, 3)} ${decimalUnits[unit]}`;
}

/** Binary units for transfer progress ("12.3 MiB"), like containers/image progress bars. */
export function formatBinarySize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return unit === 0 ? `${size} B` : `${size.toFixed(1)} ${units[unit]}`;
}
