import { adminRouter } from "./routers/admin";
import { authRouter } from "./routers/auth";
import { firebaseRouter } from "./routers/firebase";
import { passwordRouter } from "./routers/password";
import { pinRouter } from "./routers/pin";
import { securityRouter } from "./routers/security";
import { sessionRouter } from "./routers/session";
import { userRouter } from "./routers/user";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  user: userRouter,
  pin: pinRouter,
  security: securityRouter,
  password: passwordRouter,
  session: sessionRouter,
  firebase: firebaseRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/** In-process calls (server components, tests) with the same rules as over HTTP. */
export const createCaller = createCallerFactory(appRouter);
