import { ARGON2_OPTIONS, PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('stores argon2id with the OWASP parameters and a random salt', async () => {
    const [a, b] = await Promise.all([hasher.hash('password-1'), hasher.hash('password-1')]);
    expect(a).toMatch(
      new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=1\\$`),
    );
    expect(a).not.toEqual(b);
    expect(a).not.toContain('password-1');
  });

  it('verifies the right password only', async () => {
    const hash = await hasher.hash('password-1');
    expect(await hasher.verify(hash, 'password-1')).toBe(true);
    expect(await hasher.verify(hash, 'password-2')).toBe(false);
  });

  it('treats a malformed stored hash as a failure, not an error', async () => {
    expect(await hasher.verify('not-a-hash', 'password-1')).toBe(false);
  });

  it('fails for an unknown user after doing the same argon2 work', async () => {
    expect(await hasher.verifyNothing('password-1')).toBe(false);
  });
});
