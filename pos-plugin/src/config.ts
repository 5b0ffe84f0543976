import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface PluginConfig {
  serverUrl: string;
  apiKey: string;
  journalPath: string;
  bridge: { port: number; inbox: string | null; minorDigits: number };
}

export const DEFAULT_BRIDGE_PORT = 7420;

/** `--config`, else $TALLY_POS_CONFIG, else ~/.config/tally-pos/config.json. */
export function configPath(explicit?: string): string {
  return resolve(explicit ?? process.env.TALLY_POS_CONFIG ?? join(homedir(), '.config', 'tally-pos', 'config.json'));
}

export function loadConfig(path: string): PluginConfig {
  if (!existsSync(path)) throw new Error(`No configuration at ${path}. Run: tally-pos configure --server URL --key KEY`);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<PluginConfig>;
  if (!raw.serverUrl || !raw.apiKey || !raw.journalPath) throw new Error(`${path} lacks serverUrl, apiKey or journalPath; run tally-pos configure again`);
  return {
    serverUrl: raw.serverUrl,
    apiKey: raw.apiKey,
    journalPath: raw.journalPath,
    bridge: { port: raw.bridge?.port ?? DEFAULT_BRIDGE_PORT, inbox: raw.bridge?.inbox ?? null, minorDigits: raw.bridge?.minorDigits ?? 2 },
  };
}

/** Writes the file readable by its owner only: it holds the terminal's API key. */
export function saveConfig(path: string, config: PluginConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode option only applies when the file is created; an existing file is tightened here.
  chmodSync(path, 0o600);
}
