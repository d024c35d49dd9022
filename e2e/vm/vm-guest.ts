/**
 * Host side of the VM suite: builds the guest's initramfs and store disk, boots Debian's kernel
 * under qemu (software emulation: nested KVM does not work on these machines) with the host's
 * filesystem as the guest's read-only root, and collects the guest's findings from its second
 * serial port. See docs/testing.md ("The VM suite").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from '../lib';

/** Where e2e/setup/system.sh unpacks linux-image-*-amd64. */
export const VM_KERNEL_DIR = '/var/cache/tsctr-vm/linux';
const HERE = __dirname;

export interface GuestRun {
  /** Lines the guest wrote to ttyS1 (its findings). */
  readonly results: string;
  /** Kernel and stage-2 console (ttyS0), for diagnostics. */
  readonly console: string;
  readonly wallMs: number;
  readonly timedOut: boolean;
}

export interface GuestParams {
  readonly TEST_USER: string;
  readonly STORE_ROOT: string;
  readonly IMAGE: string;
}

/**
 * Why the guest cannot boot here, or undefined. `skip`: the suite does not apply to this machine
 * (not an amd64 Debian host, whose kernel package the guest uses); otherwise the setup is incomplete.
 */
export function vmPrerequisiteProblem(): { readonly reason: string; readonly skip: boolean } | undefined {
  if (process.arch !== 'x64') return { reason: `the VM suite boots an amd64 guest; this host is ${process.arch}`, skip: true };
  if (!/^ID=debian$/m.test(fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '')) {
    return { reason: 'the VM suite boots Debian\'s kernel package (linux-image-amd64), which this distribution does not have', skip: true };
  }
  if (!fs.existsSync('/usr/bin/qemu-system-x86_64')) return { reason: 'qemu-system-x86_64 is missing: run sudo bash e2e/setup/setup.sh', skip: false };
  if (!kernelImage()) return { reason: `no guest kernel in ${VM_KERNEL_DIR}: run sudo bash e2e/setup/setup.sh`, skip: false };
  return undefined;
}

function kernelImage(): string | undefined {
  try {
    const name = fs.readdirSync(path.join(VM_KERNEL_DIR, 'boot')).find((n) => n.startsWith('vmlinuz-'));
    return name && path.join(VM_KERNEL_DIR, 'boot', name);
  } catch {
    return undefined;
  }
}

async function mustRun(argv: string[], timeoutMs = 120_000): Promise<void> {
  const r = await runCommand(argv, { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed (${r.exitCode}):\n${r.stdout}${r.stderr}`);
}

/** A raw ext4 image holding a copy of `dir` (owners, modes and xattrs kept), root owned by `owner`. */
export async function makeStoreDisk(dir: string, image: string, owner: { uid: number; gid: number }): Promise<void> {
  fs.closeSync(fs.openSync(image, 'w'));
  fs.truncateSync(image, 512 * 1024 * 1024);
  await mustRun(['mkfs.ext4', '-q', '-F', '-d', dir, '-E', `root_owner=${owner.uid}:${owner.gid}`, image]);
}

/** Boots the guest; it runs guest/stage2.sh and guest/limits.sh and powers off. */
export async function bootGuest(workDir: string, params: GuestParams, disk: string, timeoutMs: number): Promise<GuestRun> {
  const kernel = kernelImage();
  if (!kernel) throw new Error(vmPrerequisiteProblem()?.reason ?? 'no guest kernel');
  const initrd = path.join(workDir, 'initrd.gz');
  await mustRun(['bash', path.join(HERE, 'build-initramfs.sh'), VM_KERNEL_DIR, initrd]);
  // The guest runs limits.sh as the unprivileged user, who may not be able to enter the checkout
  // (CI clones under /root): the scripts go to the work dir, opened up for reading.
  const guestDir = path.join(workDir, 'guest');
  fs.cpSync(path.join(HERE, 'guest'), guestDir, { recursive: true });
  fs.chmodSync(workDir, 0o755);
  const paramsFile = path.join(workDir, 'params.sh');
  fs.writeFileSync(paramsFile, Object.entries(params).map(([k, v]) => `${k}='${v}'\n`).join(''));
  const consoleLog = path.join(workDir, 'console.log');
  const resultsLog = path.join(workDir, 'results.log');
  const started = Date.now();
  const run = await runCommand([
    'qemu-system-x86_64', '-accel', 'tcg', '-m', '3072', '-smp', '2', '-display', 'none', '-no-reboot',
    '-serial', `file:${consoleLog}`, '-serial', `file:${resultsLog}`,
    '-kernel', kernel, '-initrd', initrd,
    '-append', `console=ttyS0 quiet panic=-1 tsctr.stage2=${path.join(guestDir, 'stage2.sh')} tsctr.params=${paramsFile}`,
    '-virtfs', 'local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap',
    '-drive', `file=${disk},format=raw,if=virtio,cache=unsafe`,
  ], { timeoutMs });
  const read = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  return { results: read(resultsLog), console: read(consoleLog), wallMs: Date.now() - started, timedOut: run.timedOut };
}

/** Pure: "RESULT name k=v k=v" lines -> name -> fields (a later line of the same name wins). */
export function parseGuestResults(text: string): Map<string, Record<string, string>> {
  const results = new Map<string, Record<string, string>>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^RESULT (\S+)(.*)$/.exec(line);
    if (!m) continue;
    const fields: Record<string, string> = {};
    for (const pair of m[2].trim().split(/\s+/).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    results.set(m[1], fields);
  }
  return results;
}
