import { mobileOtpFamily } from "./000-mobile-otp";
import { phoneSignupFamily } from "./001-phone-signup";
import { emailPasswordFamily } from "./002-email-password";
import { emailVerificationFamily } from "./003-email-verification";
import { mpinFamily } from "./004-mpin";
import type { RestFamily } from "./framework";

/** The five documented families, in document order; family NNN lives in `NNN-*.ts` beside this file. */
export const restFamilies: RestFamily[] = [mobileOtpFamily, phoneSignupFamily, emailPasswordFamily, emailVerificationFamily, mpinFamily];
