import { type SpawnOptions, spawn } from 'node:child_process';

/**
 * Runs a measuring child process that prints one JSON object per line on stdout, hands each
 * object to `onObject` as it arrives, and resolves with the exit status (null when the process
 * could not start) and what it wrote to stderr.
 */
export async function runJsonLines<T = Record<string, unknown>>(
  command: string,
  args: readonly string[],
  options: Pick<SpawnOptions, 'env'>,
  onObject: (value: T) => void,
): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let pending = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trimStart().startsWith('{'))) {
      onObject(JSON.parse(line) as T);
    }
  });
  const status = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += error.message;
      resolve(null);
    });
    child.on('close', resolve);
  });
  return { status, stderr };
}
