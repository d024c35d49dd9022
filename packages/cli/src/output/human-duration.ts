/**
 * Durations and ages the way podman prints them (go-units HumanDuration + " ago"):
 * "Less than a second", "About a minute", "3 hours", "2 weeks", ...
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000); // Go: d.Round(time.Hour).Hours()
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
}

/** podman's CREATED column: "2 hours ago". A date in the future (clock skew) reads as "Less than a second ago". */
export function formatAgo(created: Date, now: Date = new Date()): string {
  return `${humanDuration(Math.max(0, now.getTime() - created.getTime()))} ago`;
}
