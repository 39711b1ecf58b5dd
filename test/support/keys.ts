import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type AsymmetricAlgorithm = 'RS256' | 'ES256';

/** A generated key pair, as KeyObjects, PEM text and PEM files the app can be pointed at. */
export interface KeyPairFiles {
  algorithm: AsymmetricAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
  privateKeyFile: string;
  publicKeyFile: string;
}

export interface KeyOptions {
  /** RSA only; the app refuses less than 2048. */
  modulusLength?: number;
  /** EC only; the app accepts only prime256v1 (P-256). */
  namedCurve?: string;
}

/** A private temp directory of PEM files for one suite; remove() it in afterAll. */
export class KeyDir {
  readonly path = mkdtempSync(join(tmpdir(), 'nest-dual-auth-keys-'));
  private count = 0;

  /** RS256: RSA 2048 by default; ES256: P-256 by default. */
  generate(algorithm: AsymmetricAlgorithm, options: KeyOptions = {}): KeyPairFiles {
    const { privateKey, publicKey } =
      algorithm === 'RS256'
        ? generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 })
        : generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'prime256v1' });
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const name = `${algorithm.toLowerCase()}-${++this.count}`;
    return {
      algorithm,
      privateKey,
      publicKey,
      privateKeyPem,
      publicKeyPem,
      privateKeyFile: this.write(`${name}.private.pem`, privateKeyPem),
      publicKeyFile: this.write(`${name}.public.pem`, publicKeyPem),
    };
  }

  write(fileName: string, contents: string): string {
    const file = join(this.path, fileName);
    writeFileSync(file, contents, { mode: 0o600 });
    return file;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** The variables of CONFIG.md that make the app sign with `current` (and still accept `previous`). */
export function keyEnv(current: KeyPairFiles, previous: KeyPairFiles[] = []): Record<string, string> {
  return {
    JWT_ALGORITHM: current.algorithm,
    JWT_PRIVATE_KEY_FILE: current.privateKeyFile,
    JWT_PUBLIC_KEY_FILE: current.publicKeyFile,
    JWT_PREVIOUS_PUBLIC_KEY_FILES: previous.map((pair) => pair.publicKeyFile).join(','),
  };
}
