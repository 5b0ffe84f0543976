import type { AuthService } from './auth.service';
export { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword } from './passwords';
export { CliError, ensureMigrated, readPassword } from './cli-support';
export { failedAttemptLimit } from './rate-limit';
export { SignInGuard } from './sign-in-guard.repository';
export { newPairingCode, newTerminalKey } from './secrets';
export { printSetupInstructions } from './setup-instructions';
export { signAccessToken } from './tokens';

export type { AuthService };
