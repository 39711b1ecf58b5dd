import { Injectable } from '@nestjs/common';
import { Authenticator } from 'passport';

/**
 * This application's own passport: the process-wide instance would serve every Nest
 * application in the process (tests run several) with the strategy registered last.
 */
@Injectable()
export class AppPassport extends Authenticator {}
