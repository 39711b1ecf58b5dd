import { CredentialsDto } from './credentials.dto';

export class LoginDto extends CredentialsDto {}
