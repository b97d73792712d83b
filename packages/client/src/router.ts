import type { AppRouter as ServiceRouter } from "@authsvc/api";
import type { inferRouterInputs, inferRouterOutputs, TRPCBuiltRouter } from "@trpc/server";

type Types<R extends ServiceRouter> = R["_def"]["_config"]["$types"];

/**
 * The service's router with its context type swapped for `object`. A client reads only the
 * procedures and the error shape; the context (core's Auth, the Store contract, the request)
 * would pull the whole domain, and the libraries it is built on, into the published types.
 */
declare function withoutContext<R extends ServiceRouter>(
  router: R,
): TRPCBuiltRouter<{ ctx: object; meta: Types<R>["meta"]; errorShape: Types<R>["errorShape"]; transformer: Types<R>["transformer"] }, R["_def"]["record"]>;

declare const service: ServiceRouter;

// Inferred, not annotated, on purpose: declaration emit then writes the router's type out in
// full, so the bundled .d.ts needs none of the service's packages. This module is types only:
// index.ts re-exports nothing from it at run time (hence the underscore: a value used as a type).
const _callable = withoutContext(service);

/** The router a client calls: every procedure of the service, with its input and result types. */
export type AppRouter = typeof _callable;
/** Each procedure's input, as `RouterInputs["auth"]["register"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Each procedure's result, as `RouterOutputs["user"]["me"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
