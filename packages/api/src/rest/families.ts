import { emailPasswordFamily } from "./email-password";
import { emailVerificationFamily } from "./email-verification";
import type { RestFamily } from "./framework";
import { mobileOtpFamily } from "./mobile-otp";
import { mpinFamily } from "./mpin";
import { phoneSignupFamily } from "./phone-signup";

/** The five documented families, in document order. */
export const restFamilies: RestFamily[] = [mobileOtpFamily, phoneSignupFamily, emailPasswordFamily, emailVerificationFamily, mpinFamily];
